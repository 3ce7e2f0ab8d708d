// The rules offline: the same domain functions the workflow runs, over a file of events, without any server.
// Time is the events' own: each user's clock is the latest occurredAt seen, and quarters close as it passes their
// payout. Memory grows with users, not payments: a closed quarter's payments are dropped once they leave the adjustment
// window, by the workflow's own close step.
import { applyRawEvent } from '../domain/apply-event.ts';
import type { EventType } from '../domain/events.ts';
import { instantOf, quarterIndex, quarterOfInstant } from '../domain/calendar.ts';
import type { Program } from '../domain/program.ts';
import { PROGRAM } from '../domain/program-versions.ts';
import { initialState, type CashbackState } from '../domain/state.ts';
import { closeDueQuarters } from '../domain/statement.ts';
import { isHeld } from '../domain/held-refunds.ts';
import type { QuarterStatement } from '../domain/statement-types.ts';

export interface LineProblem {
  line: number;
  reason: string;
}

interface UserBook {
  state: CashbackState;
  clock: number;
  statements: QuarterStatement[];
  /** The line of each refund held for its payment, to report it against that line if the payment never comes. */
  heldAt: Map<string, number>;
}

export class Simulation {
  readonly problems: LineProblem[] = [];
  private readonly users = new Map<string, UserBook>();
  readonly program: Program;
  events = 0;
  duplicates = 0;

  constructor(program: Program = PROGRAM) {
    this.program = program;
  }

  /** Applies one event from line `line`; a bad one is recorded against its line and skipped. */
  apply(line: number, type: EventType, raw: unknown): void {
    this.events += 1;
    const { userId, occurredAt } = (raw ?? {}) as { userId?: unknown; occurredAt?: unknown };
    const at = typeof occurredAt === 'string' ? instantOf(occurredAt) : Number.NaN;
    if (typeof userId !== 'string' || !userId || !Number.isFinite(at)) {
      this.problems.push({
        line,
        reason:
          typeof userId !== 'string' || !userId
            ? 'userId is missing'
            : `occurredAt "${String(occurredAt)}" is not an instant`,
      });
      return;
    }
    let book = this.users.get(userId);
    if (!book) {
      // Books open at the quarter of the user's first event, whenever the file starts.
      book = {
        state: initialState(userId, at, {
          program: this.program,
          openFrom: quarterOfInstant(at, this.program.timeZone),
        }),
        clock: at,
        statements: [],
        heldAt: new Map(),
      };
      this.users.set(userId, book);
    }
    book.clock = Math.max(book.clock, at);
    this.closeDue(book, (state) => book!.clock >= state.nextPayout.at);
    const outcome = applyRawEvent(book.state, type, raw, book.clock);
    if (outcome.result === 'rejected') this.problems.push({ line, reason: outcome.reason });
    if (outcome.result === 'duplicate') this.duplicates += 1;
    if (outcome.result === 'held') book.heldAt.set((raw as { refundId: string }).refundId, line);
  }

  /** Closes, for every user, each quarter up to the one their last event fell in, as if time moved on to its payout. */
  finish(): Map<string, QuarterStatement[]> {
    const result = new Map<string, QuarterStatement[]>();
    for (const [userId, book] of this.users) {
      const last = quarterIndex(quarterOfInstant(book.clock, this.program.timeZone));
      this.closeDue(book, (state) => quarterIndex(state.nextPayout.quarter) <= last);
      for (const { refund } of book.state.heldRefunds) {
        const reason = `refund of unknown payment ${refund.paymentId}: its payment is not in the file`;
        this.problems.push({ line: book.heldAt.get(refund.refundId) ?? 0, reason });
      }
      result.set(userId, book.statements);
    }
    return result;
  }

  /**
   * Closes each due quarter as the workflow does when its payout timer fires: at the quarter's payout instant, through
   * the same step (closeDueQuarters), and reports the held refunds that step expired.
   */
  private closeDue(book: UserBook, due: (state: CashbackState) => boolean): void {
    while (due(book.state)) {
      const wake = book.state.nextPayout.at;
      const held = book.state.heldRefunds.map((h) => h.refund.refundId);
      for (const statement of closeDueQuarters(book.state, () => wake)) book.statements.push(statement);
      for (const refundId of held.filter((id) => !isHeld(book.state, id))) {
        const rejection = book.state.recentRejections.findLast((r) => r.eventId === refundId);
        this.problems.push({
          line: book.heldAt.get(refundId) ?? 0,
          reason: rejection?.reason ?? 'held refund expired',
        });
      }
    }
  }
}
