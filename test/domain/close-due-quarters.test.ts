// Closing the due quarters: one step, which the workflow and the simulator both run. Tested directly, and as the
// property that the simulator's statements and outcomes are the workflow's for any stream of events.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyRawEvent } from '../../src/domain/apply-event.ts';
import { quarterIndex, quarterOfInstant } from '../../src/domain/calendar.ts';
import { DEFAULT_PAYOUT_WINDOW_HOURS } from '../../src/domain/config.ts';
import type { EventType } from '../../src/domain/events.ts';
import { userPayoutInstant } from '../../src/domain/program.ts';
import { PROGRAM } from '../../src/domain/program-versions.ts';
import { initialState, type CashbackState } from '../../src/domain/state.ts';
import { closeDueQuarters } from '../../src/domain/statement.ts';
import { Simulation } from '../../src/simulator/simulation.ts';

const user = 'close-user';
const zone = PROGRAM.timeZone;
const instant = (iso: string) => Date.parse(iso);
const payoutOf = (quarter: string) => userPayoutInstant(PROGRAM, DEFAULT_PAYOUT_WINDOW_HOURS, user, quarter);

const payment = (id: string, cents: number, occurredAt: string) => ({
  paymentId: id,
  userId: user,
  amount: { cents, currency: 'EUR' },
  kind: 'online',
  fundingAccount: 'seqr_account',
  occurredAt,
});
const refund = (id: string, paymentId: string, cents: number, occurredAt: string) => ({
  refundId: id,
  paymentId,
  userId: user,
  amount: { cents, currency: 'EUR' },
  occurredAt,
});

describe('closeDueQuarters', () => {
  it('closes every due quarter in order, each at the clock read after the previous one was handled', () => {
    const state = initialState(user, instant('2027-01-05T12:00:00+01:00'));
    applyRawEvent(
      state,
      'payment',
      payment('p1', 10_000, '2027-01-10T12:00:00+01:00'),
      instant('2027-01-10T12:00:00+01:00'),
    );
    let clock = payoutOf('2027-Q2') + 1_000;
    const closedAt: string[] = [];
    const quarters: string[] = [];
    for (const statement of closeDueQuarters(state, () => clock)) {
      quarters.push(statement.quarter);
      closedAt.push(statement.closedAt);
      // What the caller applies before the next quarter closes lands in it, not in an adjustment.
      if (statement.quarter === '2027-Q1')
        applyRawEvent(state, 'payment', payment('p2', 20_000, '2027-05-10T12:00:00+02:00'), clock);
      clock += 60_000;
    }
    expect(quarters).toEqual(['2027-Q1', '2027-Q2']);
    expect(closedAt).toEqual([
      new Date(payoutOf('2027-Q2') + 1_000).toISOString(),
      new Date(payoutOf('2027-Q2') + 61_000).toISOString(),
    ]);
    expect(state.recentStatements.map((s) => s.lines.reduce((sum, l) => sum + l.netSpendCents, 0))).toEqual([
      10_000, 20_000,
    ]);
    expect(state.nextPayout.quarter).toBe('2027-Q3');
  });

  it('closes nothing before the payout instant', () => {
    const state = initialState(user, instant('2027-01-05T12:00:00+01:00'));
    expect([...closeDueQuarters(state, () => state.nextPayout.at - 1)]).toEqual([]);
    expect(state.nextPayout.quarter).toBe('2027-Q1');
  });

  it('expires held refunds once every due quarter is closed, at that instant, after dropping what left the window', () => {
    const state = initialState(user, instant('2027-01-05T12:00:00+01:00'));
    const at = instant('2027-02-01T12:00:00+01:00');
    applyRawEvent(state, 'payment', payment('p1', 10_000, '2027-01-10T12:00:00+01:00'), at);
    expect(applyRawEvent(state, 'refund', refund('r1', 'never', 500, '2027-02-01T12:00:00+01:00'), at)).toEqual({
      result: 'held',
    });
    const end = payoutOf('2027-Q2') + 1_000;
    const heldWhileClosing: number[] = [];
    for (const statement of closeDueQuarters(state, () => end)) {
      expect(statement.quarter).toMatch(/^2027-Q[12]$/);
      heldWhileClosing.push(state.heldRefunds.length);
    }
    expect(heldWhileClosing).toEqual([1, 1]);
    expect(state.heldRefunds).toEqual([]);
    expect(state.recentRejections).toEqual([
      expect.objectContaining({ eventId: 'r1', at: new Date(end).toISOString() }),
    ]);
    // 2027-Q1 has left the window (the oldest quarter an event may land in is 2027-Q2): its payments are dropped.
    expect(Object.keys(state.months)).toEqual([]);
    expect(Object.keys(state.settled)).toEqual([]);
  });
});

// Random streams of one user's events over six quarters: payments (some ineligible), refunds of them or of payments that
// never come (held), repeats, and refunds larger than what is left; in file order, with dates that may run backwards.
const from = instant('2027-01-01T00:00:00+01:00');
const to = instant('2028-06-30T12:00:00+02:00');
const eventArb = fc.oneof(
  fc.record({
    type: fc.constant('payment' as const),
    id: fc.integer({ min: 0, max: 30 }),
    cents: fc.integer({ min: 1, max: 200_000 }),
    kind: fc.constantFrom('online', 'in_store', 'p2p'),
    at: fc.integer({ min: from, max: to }),
  }),
  fc.record({
    type: fc.constant('refund' as const),
    id: fc.integer({ min: 0, max: 30 }),
    paymentId: fc.integer({ min: 0, max: 40 }),
    cents: fc.integer({ min: 1, max: 100_000 }),
    at: fc.integer({ min: from, max: to }),
  }),
);
type Generated = typeof eventArb extends fc.Arbitrary<infer T> ? T : never;

function rawOf(event: Generated): { type: EventType; raw: unknown } {
  const occurredAt = new Date(event.at).toISOString();
  if (event.type === 'payment')
    return { type: 'payment', raw: { ...payment(`p${event.id}`, event.cents, occurredAt), kind: event.kind } };
  return { type: 'refund', raw: refund(`r${event.id}`, `p${event.paymentId}`, event.cents, occurredAt) };
}

/**
 * The domain driven as the workflow drives it (src/workflows/cashback-run.ts): woken by its payout timer at each payout
 * instant, where it runs the close step, and by each event as it arrives. The workflow itself runs these rules on the
 * time-skipping server in test/workflows/ and test/reliability/.
 */
function asTheWorkflowDrivesIt(events: Generated[]) {
  let clock = events[0]!.at;
  const state = initialState(user, clock, { program: PROGRAM, openFrom: quarterOfInstant(clock, zone) });
  const statements: unknown[] = [];
  const timerFires = (until: (nextAt: number, quarter: string) => boolean) => {
    while (until(state.nextPayout.at, state.nextPayout.quarter)) {
      const firedAt = state.nextPayout.at;
      for (const statement of closeDueQuarters(state, () => firedAt)) statements.push(statement);
    }
  };
  for (const event of events) {
    clock = Math.max(clock, event.at);
    timerFires((nextAt) => nextAt <= clock);
    const { type, raw } = rawOf(event);
    applyRawEvent(state, type, raw, clock);
  }
  const last = quarterIndex(quarterOfInstant(clock, zone));
  timerFires((_, quarter) => quarterIndex(quarter) <= last);
  return { statements, state };
}

function throughSimulator(events: Generated[]) {
  const simulation = new Simulation(PROGRAM);
  events.forEach((event, i) => {
    const { type, raw } = rawOf(event);
    simulation.apply(i + 1, type, raw);
  });
  const statements = simulation.finish().get(user) ?? [];
  // The simulator keeps each user's state to itself; the property compares it with the workflow's.
  const { users } = simulation as unknown as { users: Map<string, { state: CashbackState }> };
  return { statements, state: users.get(user)!.state, duplicates: simulation.duplicates };
}

describe('the simulator and the workflow', () => {
  it('close the same quarters into the same statements, and reject and hold the same events', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { minLength: 1, maxLength: 40 }), (events) => {
        const workflow = asTheWorkflowDrivesIt(events);
        const offline = throughSimulator(events);
        expect(offline.statements).toEqual(workflow.statements);
        expect(offline.state).toEqual(workflow.state);
        expect(offline.duplicates).toBe(workflow.state.counters.duplicates);
      }),
      { numRuns: 150 },
    );
  });

  it('reject a refund of a payment whose quarter has left the window as too old, not as of an unknown payment', () => {
    // The payment's quarter (2027-Q1) leaves the window on 1 July, before the 2027-Q2 payout (4 July): the workflow
    // still holds the payment then, so the refund is too old for it, and the simulator says the same.
    const simulation = new Simulation(PROGRAM);
    simulation.apply(1, 'payment', payment('p1', 10_000, '2027-02-10T12:00:00+01:00'));
    simulation.apply(2, 'refund', refund('r1', 'p1', 1_000, '2027-07-02T12:00:00+02:00'));
    simulation.finish();
    expect(simulation.problems).toEqual([
      { line: 2, reason: expect.stringContaining('month 2027-02 is older than the adjustment window') },
    ]);
  });
});
