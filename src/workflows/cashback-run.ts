// One run of a user's cashback workflow: the state it carries, the events and retries queued for it, and its steps.
// Deterministic: all rules come from src/domain; time is workflow time; I/O happens only in activities.
import {
  type ActivityOptions,
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  log,
  makeContinueAsNewFunc,
  proxyActivities,
  setCurrentDetails,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { CreditResult, PayoutActivities } from '../activities/payout-activities.ts';
import { applyRawEvent } from '../domain/apply-event.ts';
import { parseQuarterKey, quarterIndex, type QuarterKey } from '../domain/calendar.ts';
import { describeRawEvent, eventTypes, type EventType } from '../domain/events.ts';
import { formatEuros } from '../domain/money.ts';
import { initialState, reject, type CashbackState, type Outcome, type UnpaidPayout } from '../domain/state.ts';
import type { QuarterStatement } from '../domain/statement-types.ts';
import { closeDueQuarters } from '../domain/statement.ts';
import { currentDetailsMarkdown, statusOf } from '../domain/status.ts';
import {
  ACCOUNT_UNAVAILABLE,
  type CashbackWorkflowInput,
  type PendingEvent,
  type PayoutAttemptResult,
  type UnknownSignal,
} from './definitions.ts';
import type { cashbackWorkflow } from './cashback-workflow.ts';
import { SearchAttributePublisher } from './search-attributes.ts';

const retry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;
// Transient failures (database down, worker crash) are retried without limit: a payout must complete, not give up.
// Each is one short transaction: 10 s bounds how long a crashed worker's attempt blocks the retry.
const storeOptions: ActivityOptions = { startToCloseTimeout: '10 seconds', retry };
const creditOptions: ActivityOptions = {
  ...storeOptions,
  retry: { ...retry, nonRetryableErrorTypes: [ACCOUNT_UNAVAILABLE] },
};
const { saveStatement, creditSeqrAccount, settleQuarter } = proxyActivities<PayoutActivities>(storeOptions);

/**
 * Roll over well before the server's hard limits (10,000 signals per run; it suggests continue-as-new near 4,096
 * events).
 */
const HISTORY_ROLLOVER = 3_000;

/** The next run starts on the deployment's current build, not on this run's pinned one: the upgrade path. */
const continueOnCurrentBuild = makeContinueAsNewFunc<typeof cashbackWorkflow>({
  initialVersioningBehavior: 'AUTO_UPGRADE',
});

export class CashbackRun {
  readonly state: CashbackState;
  private readonly pending: PendingEvent[];
  /** Signals this build does not know, kept for a newer build (carried over continue-as-new). */
  private readonly unknownSignals: UnknownSignal[] = [];
  private readonly retryRequests: QuarterKey[] = [];
  private readonly retryResults = new Map<QuarterKey, PayoutAttemptResult>();
  /** The quarter this run was started to close: once it has closed, the run's work is done. */
  private readonly firstQuarter: QuarterKey;
  /** The payout quarter whose timer is running: one timer per instant, not one per wake-up. */
  private timerFor?: QuarterKey;
  private readonly searchAttributes: SearchAttributePublisher;
  /** The history's length in this run's first task (it grows with every later one). */
  private readonly firstTaskHistoryLength = workflowInfo().historyLength;

  constructor(input: CashbackWorkflowInput) {
    const { program, payoutWindowHours, history } = input;
    this.state =
      input.state ??
      initialState(input.userId, Date.now(), { program, payoutWindowHours, openFrom: history?.fromQuarter });
    this.pending = [...(input.state ? [] : (input.history?.events ?? [])), ...(input.pending ?? [])];
    for (const signal of input.unknownSignals ?? []) this.receiveSignal(signal);
    this.firstQuarter = this.state.nextPayout.quarter;
    this.searchAttributes = new SearchAttributePublisher(workflowInfo().typedSearchAttributes);
  }

  /** Signal handlers only enqueue: they never throw on bad input, and events apply in arrival order. */
  enqueue(type: EventType, raw: unknown, receivedAt = Date.now()): void {
    this.pending.push({ type, raw, receivedAt });
  }

  /** The default signal handler: a signal of a newer build is kept, never dropped, and carried to the next build. */
  keepUnknownSignal(name: string, args: unknown[]): void {
    this.receiveSignal({ name, args, receivedAt: Date.now() });
  }

  /** Routes a signal to the event it carries; one this build does not know is kept. A newer build overrides it. */
  protected receiveSignal(signal: UnknownSignal): void {
    const type = eventTypes.find((known) => known === signal.name);
    if (type) return this.enqueue(type, signal.args[0], signal.receivedAt);
    this.unknownSignals.push(signal);
    log.warn('signal kept for a newer build', { userId: this.state.userId, signal: signal.name });
  }

  /** The update's validator: refuses, before anything is recorded, a retry of a payout that has not failed. */
  validateRetry(quarter: unknown): void {
    const key = parseQuarterKey(quarter);
    const payout = this.state.unpaid[key];
    if (!payout) throw new Error(`no unpaid payout for ${this.state.userId} in ${key}`);
    if (this.retryRequests.includes(key)) throw new Error(`a retry of the ${key} payout is already under way`);
    if (payout.status !== 'failed')
      throw new Error(`the ${key} payout is ${payout.status}, not failed: nothing to retry`);
  }

  /** Queues an operator's retry; resolves with its result once the main loop has served it. */
  async requestRetry(quarter: QuarterKey): Promise<PayoutAttemptResult> {
    this.retryRequests.push(quarter);
    await condition(() => this.retryResults.has(quarter));
    const result = this.retryResults.get(quarter)!;
    this.retryResults.delete(quarter);
    return result;
  }

  get retryRequested(): boolean {
    return this.retryRequests.length > 0;
  }

  get payoutDue(): boolean {
    return Date.now() >= this.state.nextPayout.at;
  }

  /** Something to do: an event, an operator's retry, a payout, or a rollover. */
  get hasWork(): boolean {
    return this.pending.length > 0 || this.retryRequested || this.payoutDue || this.historyFull || this.upgradeDue;
  }

  /**
   * Time for a new run: the history nears the server's limits; or a newer build is current (this run moves to it
   * before it applies anything more, so that build's rules govern from now on); or this run's quarter is paid and the
   * user's next event (or, for a quiet user, the next payout instant) has come. A run holds about one quarter. A retry
   * is served first.
   */
  get rolloverDue(): boolean {
    const quarterDone = this.state.nextPayout.quarter !== this.firstQuarter;
    const nextWork = this.pending.length > 0 || this.payoutDue;
    return this.historyFull || (!this.retryRequested && (this.upgradeDue || (quarterDone && nextWork)));
  }

  /**
   * The deployment's current build is not the one this run is pinned to (always false on unversioned workers). Never in
   * a run's first task: a run that continued onto the current build and still saw it would otherwise loop.
   */
  private get upgradeDue(): boolean {
    const { targetWorkerDeploymentVersionChanged, historyLength } = workflowInfo();
    return targetWorkerDeploymentVersionChanged && historyLength > this.firstTaskHistoryLength;
  }

  private get historyFull(): boolean {
    return workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= HISTORY_ROLLOVER;
  }

  /**
   * Continues as new once update handlers are done; returns instead when a retry arrives meanwhile (the loop serves
   * it).
   */
  async rollOver(): Promise<void> {
    await condition(() => allHandlersFinished() || this.retryRequested);
    if (this.retryRequested) return;
    // On an upgrade the events wait for the next build; otherwise this run applies them first.
    if (!this.upgradeDue) this.applyEvents();
    await continueOnCurrentBuild({
      userId: this.state.userId,
      state: this.state,
      pending: this.pending,
      ...(this.unknownSignals.length ? { unknownSignals: this.unknownSignals } : {}),
    });
  }

  /** Applies every queued event; a bad one, or one no rule foresaw, is recorded as rejected, never fails the task. */
  applyEvents(): void {
    for (const event of this.pending.splice(0)) {
      let outcome: Outcome;
      try {
        outcome = applyRawEvent(this.state, event.type, event.raw, event.receivedAt);
      } catch (error) {
        const reason = `could not be applied: ${error instanceof Error ? error.message : String(error)}`;
        outcome = reject(this.state, describeRawEvent(event.raw), reason, event.receivedAt);
      }
      if (outcome.result === 'rejected')
        log.warn('event rejected', { userId: this.state.userId, reason: outcome.reason });
    }
  }

  /** Closes every quarter whose payout instant has passed, in order, and pays what each owes. */
  async closeDueQuarters(): Promise<void> {
    for (const statement of closeDueQuarters(this.state, () => Date.now())) {
      if (statement.payableCents > 0) await this.settle(statement);
      else
        await saveStatement.executeWithOptions({ ...storeOptions, summary: describeStatement(statement) }, [statement]);
      this.applyEvents();
    }
  }

  /** Serves operators' retries of failed payouts, in the order they came. */
  async serveRetries(): Promise<void> {
    for (const quarter of this.retryRequests.splice(0)) this.retryResults.set(quarter, await this.retryCredit(quarter));
  }

  /** Saves a payable quarter's statement and credits it, in one activity (one transaction). */
  private settle(statement: QuarterStatement): Promise<PayoutAttemptResult> {
    const payout: UnpaidPayout = {
      quarter: statement.quarter,
      amountCents: statement.payableCents,
      status: 'pending',
      attempts: 0,
    };
    this.state.unpaid[statement.quarter] = payout;
    return this.credit(payout, (summary) =>
      settleQuarter.executeWithOptions({ ...creditOptions, summary: `close ${statement.quarter} and ${summary}` }, [
        statement,
      ]),
    );
  }

  /** Credits a failed quarter again, under the same idempotency key. */
  private retryCredit(quarter: QuarterKey): Promise<PayoutAttemptResult> {
    const payout = this.state.unpaid[quarter]!;
    const request = { userId: this.state.userId, quarter, amountCents: payout.amountCents };
    return this.credit(payout, (summary) =>
      creditSeqrAccount.executeWithOptions({ ...creditOptions, summary }, [request]),
    );
  }

  /**
   * Runs one credit attempt of `payout` and records its outcome; `summary` is what operators see in the Temporal UI.
   */
  private async credit(
    payout: UnpaidPayout,
    attempt: (summary: string) => Promise<CreditResult>,
  ): Promise<PayoutAttemptResult> {
    const { quarter, amountCents } = payout;
    payout.status = 'pending';
    payout.attempts += 1;
    try {
      const { ledgerEntryId } = await attempt(
        `credit ${formatEuros(amountCents)} cashback for ${quarter} to ${this.state.userId} ` +
          `(attempt ${payout.attempts})`,
      );
      delete this.state.unpaid[quarter];
      if (!this.state.lastPaidQuarter || quarterIndex(quarter) > quarterIndex(this.state.lastPaidQuarter))
        this.state.lastPaidQuarter = quarter;
      log.info('payout credited', { userId: this.state.userId, quarter, amountCents, ledgerEntryId });
      return { quarter, status: 'paid', amountCents, ledgerEntryId };
    } catch (error) {
      // Only a permanent failure gets here (transient ones retry forever); the activity recorded it on the statement.
      const cause = error instanceof ActivityFailure && error.cause instanceof ApplicationFailure ? error.cause : error;
      payout.status = 'failed';
      payout.failureReason = cause instanceof Error ? cause.message : String(cause);
      log.warn('payout failed', { userId: this.state.userId, quarter, reason: payout.failureReason });
      return { quarter, status: 'failed', amountCents, failureReason: payout.failureReason };
    }
  }

  /** Starts the timer to the next payout instant, once per instant. */
  armPayoutTimer(): void {
    const { quarter, at } = this.state.nextPayout;
    if (this.timerFor === quarter) return;
    this.timerFor = quarter;
    if (at > Date.now()) void sleep(at - Date.now());
  }

  /** Shows the state to operators: search attributes (only when they change) and the current details. */
  publish(): void {
    const status = statusOf(this.state, Date.now());
    const { currentMonth, payoutStatus, lastPaidQuarter } = status;
    this.searchAttributes.publish({ tier: currentMonth.tier, payoutStatus, lastPaidQuarter: lastPaidQuarter ?? '' });
    setCurrentDetails(currentDetailsMarkdown(status));
  }
}

function describeStatement(statement: QuarterStatement): string {
  return `statement ${statement.quarter}: ${statement.outcome}, ${formatEuros(statement.payableCents)} payable`;
}
