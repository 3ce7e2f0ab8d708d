// One long-running workflow per user: tallies payments, closes each quarter at its payout instant, credits exactly once.
// Deterministic: all rules come from src/domain; time is workflow time; I/O happens only in activities.
import {
  type ActivityOptions, ActivityFailure, allHandlersFinished, ApplicationFailure, condition, continueAsNew, log, proxyActivities,
  patched, setCurrentDetails, setHandler, sleep, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { PayoutActivities } from '../activities/payout-activities.ts';
import { applyRawEvent } from '../domain/apply-event.ts';
import { isQuarterKey, quarterIndex, type QuarterKey } from '../domain/calendar.ts';
import { DEFAULT_PROGRAM } from '../domain/config.ts';
import { formatEuros } from '../domain/money.ts';
import { closeQuarter, type QuarterStatement } from '../domain/statement.ts';
import { describeRawEvent } from '../domain/events.ts';
import { initialState, paymentRemaining, pruneOutsideWindow, reject, type CashbackState, type Outcome } from '../domain/state.ts';
import { statusOf, summaryLine } from '../domain/status.ts';
import {
  paymentRemainingQuery, paymentSignal, refundSignal, retryPayoutUpdate, statusQuery,
  type CashbackWorkflowInput, type PendingEvent, type RetryPayoutResult,
} from './definitions.ts';
import { CashbackTier, LastPaidQuarter, PayoutStatus } from './search-attributes.ts';

const retry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;
// Transient failures (database down, worker crash) are retried without limit: a payout must complete, not give up.
// Each is one short transaction: 10 s bounds how long a crashed worker's attempt blocks the retry.
const storeOptions: ActivityOptions = { startToCloseTimeout: '10 seconds', retry };
const creditOptions: ActivityOptions = { startToCloseTimeout: '10 seconds', retry: { ...retry, nonRetryableErrorTypes: ['AccountUnavailable'] } };
const { saveStatement, markPayoutFailed, creditSeqrAccount, settleQuarter } = proxyActivities<PayoutActivities>(storeOptions);

/**
 * Patch: a payable quarter closes with one activity (statement + credit in one transaction), the credit records its own
 * failure, search attributes are published once per wake-up, and the run continues-as-new at its next event after a
 * payout (or at the next payout instant) rather than at once: at quarter end every user pays out together, and each task
 * saved shortens that storm.
 * Runs started before this change replay the old path (test/histories/v1-*).
 */
export const LEAN_QUARTER_CLOSE = 'lean-quarter-close';

/** Roll over well before the server's hard limits (10,000 signals per run; it suggests continue-as-new near 4,096 events). */
const HISTORY_ROLLOVER = 3_000;

export async function cashbackWorkflow(input: CashbackWorkflowInput): Promise<void> {
  const state: CashbackState = input.state ?? initialState(input.userId, Date.now(), input.program ?? DEFAULT_PROGRAM, input.history?.fromQuarter);
  const pending: PendingEvent[] = [...(input.state ? [] : input.history?.events ?? []), ...(input.pending ?? [])];
  const retryRequests: QuarterKey[] = [];
  const retryResults = new Map<QuarterKey, RetryPayoutResult>();
  // Decided before the first command, so a replay sees the marker (or its absence) where it was recorded.
  const lean = patched(LEAN_QUARTER_CLOSE);

  // Handlers only enqueue: they never throw on bad input, and the main loop applies events in arrival order.
  setHandler(paymentSignal, (raw) => void pending.push({ type: 'payment', raw, receivedAt: Date.now() }));
  setHandler(refundSignal, (raw) => void pending.push({ type: 'refund', raw, receivedAt: Date.now() }));
  setHandler(statusQuery, () => statusOf(state, Date.now()));
  setHandler(paymentRemainingQuery, (paymentId) => paymentRemaining(state, paymentId));
  setHandler(retryPayoutUpdate, async (quarter) => {
    retryRequests.push(quarter);
    await condition(() => retryResults.has(quarter));
    const result = retryResults.get(quarter)!;
    retryResults.delete(quarter);
    return result;
  }, {
    validator: (quarter) => {
      if (typeof quarter !== 'string' || !isQuarterKey(quarter)) throw new Error(`quarter must look like 2027-Q1, got ${JSON.stringify(quarter)}`);
      const payout = state.unpaid[quarter];
      if (!payout) throw new Error(`no unpaid payout for ${state.userId} in ${quarter}`);
      if (payout.status !== 'failed' || retryRequests.includes(quarter)) throw new Error(`the ${quarter} payout is ${payout.status}, not failed: nothing to retry`);
    },
  });

  function applyPending(): void {
    for (const event of pending.splice(0)) {
      let outcome: Outcome;
      try {
        outcome = applyRawEvent(state, event.type, event.raw, event.receivedAt);
      } catch (error) {
        // A bug or an input no rule foresaw must not fail the workflow task over and over: record it for review.
        outcome = reject(state, describeRawEvent(event.raw), `could not be applied: ${error instanceof Error ? error.message : String(error)}`, event.receivedAt);
      }
      if (outcome.result === 'rejected') log.warn('event rejected', { userId: state.userId, reason: outcome.reason });
    }
  }

  /** Credits an unpaid quarter; with its statement, saves that in the same transaction (the lean path's close). */
  async function pay(quarter: QuarterKey, statement?: QuarterStatement): Promise<RetryPayoutResult> {
    const payout = state.unpaid[quarter]!;
    payout.status = 'pending';
    payout.attempts += 1;
    try {
      // The summary is what operators see on the activity in the Temporal UI.
      const summary = `credit ${formatEuros(payout.amountCents)} cashback for ${quarter} to ${state.userId} (attempt ${payout.attempts})`;
      const credit = statement
        ? await settleQuarter.executeWithOptions({ ...creditOptions, summary: `close ${quarter} and ${summary}` }, [statement])
        : await creditSeqrAccount.executeWithOptions({ ...creditOptions, summary }, [{ userId: state.userId, quarter, amountCents: payout.amountCents }]);
      delete state.unpaid[quarter];
      if (!state.lastPaidQuarter || quarterIndex(quarter) > quarterIndex(state.lastPaidQuarter)) state.lastPaidQuarter = quarter;
      log.info('payout credited', { userId: state.userId, quarter, amountCents: payout.amountCents, ledgerEntryId: credit.ledgerEntryId });
      return { quarter, status: 'paid', amountCents: payout.amountCents, ledgerEntryId: credit.ledgerEntryId };
    } catch (error) {
      // Only a permanent failure gets here (transient ones retry forever): keep running, wait for an operator.
      const cause = error instanceof ActivityFailure && error.cause instanceof ApplicationFailure ? error.cause : error;
      payout.status = 'failed';
      payout.failureReason = cause instanceof Error ? cause.message : String(cause);
      log.warn('payout failed', { userId: state.userId, quarter, reason: payout.failureReason });
      // The lean path's credit already recorded the failure in its transaction.
      if (!lean) await markPayoutFailed({ userId: state.userId, quarter, reason: payout.failureReason });
      return { quarter, status: 'failed', amountCents: payout.amountCents, failureReason: payout.failureReason };
    }
  }

  /** Closes every quarter whose payout instant has passed; true if any closed. */
  async function closeDueQuarters(): Promise<boolean> {
    let closed = false;
    while (Date.now() >= state.nextPayout.at) {
      const statement = closeQuarter(state, Date.now());
      const payable = statement.payableCents > 0;
      if (!lean || !payable) {
        await saveStatement.executeWithOptions(
          { ...storeOptions, summary: `statement ${statement.quarter}: ${statement.outcome}, ${formatEuros(statement.payableCents)} payable` }, [statement]);
      }
      if (payable) {
        state.unpaid[statement.quarter] = { quarter: statement.quarter, amountCents: statement.payableCents, status: 'pending', attempts: 0 };
        await pay(statement.quarter, lean ? statement : undefined);
      }
      closed = true;
      applyPending();
    }
    if (closed) pruneOutsideWindow(state, Date.now());
    return closed;
  }

  // A continued run inherits its search attributes: starting from them spares it an upsert of the same values.
  const inherited = workflowInfo().typedSearchAttributes;
  let shown = lean
    ? { tier: inherited.get(CashbackTier) ?? -1, payout: inherited.get(PayoutStatus) ?? '', lastPaid: inherited.get(LastPaidQuarter) ?? '' }
    : { tier: -1, payout: '', lastPaid: '' };
  function publish(): void {
    const status = statusOf(state, Date.now());
    const now = { tier: status.currentMonth.tier, payout: status.payoutStatus, lastPaid: status.lastPaidQuarter ?? '' };
    if (now.tier !== shown.tier || now.payout !== shown.payout || now.lastPaid !== shown.lastPaid) {
      upsertSearchAttributes([
        { key: CashbackTier, value: now.tier },
        { key: PayoutStatus, value: now.payout },
        ...(now.lastPaid ? [{ key: LastPaidQuarter, value: now.lastPaid }] : []),
      ]);
      shown = now;
    }
    setCurrentDetails(summaryLine(status));
  }

  // One timer per payout instant (not one per wake-up), so each event costs only its signal and a workflow task.
  let payoutTimerFor = '';
  function armPayoutTimer(): void {
    if (payoutTimerFor === state.nextPayout.quarter) return;
    payoutTimerFor = state.nextPayout.quarter;
    const wait = state.nextPayout.at - Date.now();
    if (wait > 0) void sleep(wait);
  }

  /** Continues as new once update handlers are done; returns instead when a retry arrives meanwhile (the loop serves it). */
  async function rollover(): Promise<void> {
    await condition(() => allHandlersFinished() || retryRequests.length > 0);
    if (retryRequests.length > 0) return;
    applyPending();
    await continueAsNew<typeof cashbackWorkflow>({ userId: state.userId, state, pending });
  }

  const rolloverDue = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= HISTORY_ROLLOVER;
  const woken = () => pending.length > 0 || retryRequests.length > 0 || Date.now() >= state.nextPayout.at || rolloverDue();
  let closedInRun = false;
  applyPending();
  if (!lean) publish();
  for (;;) {
    armPayoutTimer();
    if (lean && !woken()) publish();
    await condition(woken);
    if (lean) {
      // After a payout, the user's next event (or, for a quiet user, the next payout instant) starts the next run: a run
      // holds about one quarter, so an old code path is gone from every user within two. A retry is served first.
      const nextRunDue = closedInRun && retryRequests.length === 0 && (pending.length > 0 || Date.now() >= state.nextPayout.at);
      if (nextRunDue || rolloverDue()) await rollover();
    }
    applyPending();
    const paidOut = await closeDueQuarters();
    closedInRun ||= paidOut;
    for (const quarter of retryRequests.splice(0)) retryResults.set(quarter, await pay(quarter));
    if (lean) continue;
    publish();
    if (paidOut || rolloverDue()) await rollover();
  }
}
