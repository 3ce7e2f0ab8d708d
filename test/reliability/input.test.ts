// Duplicate delivery and bad input, on the time-skipping server with the real worker and ledger.
import { describe, expect, inject, it } from 'vitest';
import { InvalidEventError } from '../../src/client/cashback-client.ts';
import { workflowIdFor } from '../../src/workflows/definitions.ts';
import { eventually, payment, refund, splitCents, withHarness } from '../support/harness.ts';
import { booksReconcile } from '../support/reconcile.ts';

/** A deterministic shuffle, so a failure can be replayed. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('reliability: input', () => {
  it('every event delivered 2–3 times, interleaved and out of order, pays exactly what one delivery pays', async () => {
    await withHarness(async (h) => {
      const once = h.newUser('once');
      const many = h.newUser('many');
      await h.advanceTo('2083-03-20T12:00:00+01:00');
      const build = (user: string) => {
        const payments = [
          ...splitCents(20_000, 12).map((c) => payment(user, c, '2083-01-15T12:00:00+01:00')),
          ...splitCents(30_000, 21).map((c) => payment(user, c, '2083-02-15T12:00:00+01:00', 'online')),
          payment(user, 9_999, '2083-03-01T12:00:00+01:00', 'p2p'),
        ];
        const refunds = [
          refund(user, payments[0]!.paymentId, 500, '2083-03-02T12:00:00+01:00'),
          refund(user, payments[13]!.paymentId, payments[13]!.amount.cents, '2083-03-02T12:00:00+01:00'),
        ];
        return { payments, refunds };
      };
      const single = build(once);
      for (const p of single.payments) await h.cashback.recordPayment(p);
      for (const r of single.refunds) await h.cashback.recordRefund(r);

      const repeated = build(many);
      const deliveries = shuffled(
        repeated.payments.flatMap((p, i) => Array.from({ length: 2 + (i % 2) }, () => p)),
        7,
      );
      for (const p of deliveries) await h.cashback.recordPayment(p);
      const handle = h.env.client.workflow.getHandle(workflowIdFor(many));
      const refundDeliveries = shuffled([...repeated.refunds, ...repeated.refunds, repeated.refunds[0]!], 3);
      for (const r of refundDeliveries) await handle.signal('refund', r);

      const expectedDuplicates =
        deliveries.length - repeated.payments.length + refundDeliveries.length - repeated.refunds.length;
      const status = await eventually(async () => {
        const s = await h.cashback.getStatus(many);
        return s.counters.duplicates === expectedDuplicates ? s : undefined;
      }, 'all duplicates counted');
      expect(status.counters).toMatchObject({ payments: 34, refunds: 2, rejected: 0 });
      await h.advanceTo('2083-04-05T00:00:00+02:00');
      // Each user's ledger and statement in one snapshot; the two users' books are final once both are credited.
      const onceBooks = await eventually(async () => {
        const b = await h.books(once, '2083-Q1');
        return b.ledger.length ? b : undefined;
      }, 'single credit');
      const manyBooks = await eventually(async () => {
        const b = await h.books(many, '2083-Q1');
        return b.ledger.length ? b : undefined;
      }, 'repeated credit');
      const [a] = onceBooks.ledger;
      const [b, ...rest] = manyBooks.ledger;
      expect(rest).toEqual([]);
      expect(b!.amountCents).toBe(a!.amountCents);
      expect(manyBooks.statement?.statement.lines).toEqual(onceBooks.statement?.statement.lines);
      expect((await booksReconcile('2083-Q1', inject('databaseUrl'))).violations).toEqual([]);
      console.log(
        `duplicate delivery: ${deliveries.length + refundDeliveries.length} deliveries of ${repeated.payments.length + repeated.refunds.length} events, ${expectedDuplicates} duplicates ignored, credit ${b!.amountCents} cents both ways`,
      );
    });
  });

  const now = '2083-01-10T12:00:00+01:00';
  const good = (user: string, id: string) => ({
    paymentId: id,
    userId: user,
    amount: { cents: 10_000, currency: 'EUR' },
    kind: 'online',
    fundingAccount: 'seqr_account',
    occurredAt: now,
  });
  const malformed: [string, (user: string) => unknown, RegExp][] = [
    ['wrong types', (u) => ({ ...good(u, 'b1'), amount: { cents: '1000', currency: 'EUR' } }), /number of euro cents/],
    ['negative cents', (u) => ({ ...good(u, 'b2'), amount: { cents: -100, currency: 'EUR' } }), /must be positive/],
    ['zero cents', (u) => ({ ...good(u, 'b3'), amount: { cents: 0, currency: 'EUR' } }), /must be positive/],
    [
      'fractional cents',
      (u) => ({ ...good(u, 'b4'), amount: { cents: 10.5, currency: 'EUR' } }),
      /whole number of cents/,
    ],
    ['a huge amount', (u) => ({ ...good(u, 'b5'), amount: { cents: 1e15, currency: 'EUR' } }), /at most 100000000/],
    ['an unknown kind', (u) => ({ ...good(u, 'b6'), kind: 'lottery' }), /kind must be one of/],
    [
      'another currency',
      (u) => ({ ...good(u, 'b7'), amount: { cents: 100, currency: 'USD' } }),
      /currency must be "EUR"/,
    ],
    ['a bad timestamp', (u) => ({ ...good(u, 'b8'), occurredAt: '2083-13-45T99:00:00Z' }), /ISO-8601 instant/],
    [
      'a timestamp far in the future',
      (u) => ({ ...good(u, 'b9'), occurredAt: '2086-01-01T00:00:00Z' }),
      /in the future/,
    ],
    ['a payload far too large', (u) => ({ ...good(u, 'b10'), kind: 'x'.repeat(100_000) }), /bytes; at most 2048/],
    ['not an object at all', () => 42, /expected object|Invalid input/],
  ];

  it('rejects each malformed event at the client with a specific message; injected raw, the workflow records it and still pays', async () => {
    await withHarness(async (h) => {
      const user = h.newUser('bad-input');
      await h.advanceTo(now);
      const first = good(user, 'ok-1');
      await h.cashback.recordPayment(first);
      for (const [, make, message] of malformed) {
        const error = await h.cashback.recordPayment(make(user)).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(InvalidEventError);
        expect((error as Error).message).toMatch(message);
      }
      await expect(h.cashback.recordRefund(refund(user, 'ok-1', 10_001, now))).rejects.toThrow(
        /exceeds the 10000 cents left of payment ok-1/,
      );
      // A refund before its payment is not bad input: it is recorded and waits for the payment.
      await expect(h.cashback.recordRefund(refund(user, 'ghost', 1, now))).resolves.toMatchObject({ check: 'held' });

      const handle = h.env.client.workflow.getHandle(workflowIdFor(user));
      for (const [, make] of malformed) await handle.signal('payment', make(user));
      await handle.signal('refund', refund(user, 'ok-1', 10_001, now));
      await handle.signal('refund', refund(user, 'ghost', 1, now));
      await handle.signal('refund', { totally: 'wrong' });
      await h.cashback.recordPayment(good(user, 'ok-2'));
      const status = await eventually(async () => {
        const s = await h.cashback.getStatus(user);
        return s.counters.payments === 2 ? s : undefined;
      }, 'the second good payment');
      expect(status.counters.rejected).toBe(malformed.length + 2);
      expect(status.recentRejections.map((r) => r.reason).join('\n')).toMatch(
        /kind must be one of[\s\S]*exceeds the 10000 cents left[\s\S]*refundId is required/,
      );
      expect(status.heldRefunds.map((held) => held.paymentId)).toEqual(['ghost', 'ghost']);
      expect((await handle.describe()).status.name).toBe('RUNNING');
      await h.advanceTo('2083-04-05T00:00:00+02:00');
      const { ledger, statement } = await eventually(async () => {
        const b = await h.books(user, '2083-Q1');
        return b.ledger.length ? b : undefined;
      }, 'the credit');
      expect(ledger).toEqual([{ idempotencyKey: `cashback:${user}:2083-Q1`, quarter: '2083-Q1', amountCents: 200 }]);
      expect(statement).toMatchObject({ payoutStatus: 'paid', paidCents: 200 });
      expect((await booksReconcile('2083-Q1', inject('databaseUrl'))).violations).toEqual([]);
      console.log(
        `bad input: ${malformed.length + 2} malformed events rejected by the client, ${status.counters.rejected} injected raw and recorded as rejected; workflow still running, paid ${ledger[0]!.amountCents} cents`,
      );
    });
  });
});
