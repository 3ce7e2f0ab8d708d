// What the payment service and operators call: record events (validated first), read status, retry a failed payout.
import {
  isGrpcDeadlineError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import { parseQuarterKey } from '../domain/calendar.ts';
import type { Program } from '../domain/program.ts';
import { eventSchemas, validateEvent, type EventType, type PaymentEvent, type RefundEvent } from '../domain/events.ts';
import type { CashbackStatus } from '../domain/status.ts';
import {
  paymentRemainingQuery,
  paymentSignal,
  refundSignal,
  retryPayoutUpdate,
  statusQuery,
  WORKFLOW_TYPE,
  userIdOf,
  workflowIdFor,
  type CashbackWorkflowInput,
  type PayoutAttemptResult,
} from '../workflows/definitions.ts';
import { LastPaidQuarter } from '../workflows/search-attributes.ts';

/** Bad input: each message names the field and what is wrong. Nothing was sent. */
export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
  readonly errors: string[];
  constructor(errors: string[]) {
    super(`invalid event: ${errors.join('; ')}`);
    this.errors = errors;
  }
}

/** A well-formed refund that cannot apply: more than is left of its payment. Nothing was sent. */
export class RefundExceedsPaymentError extends InvalidEventError {
  override name = 'RefundExceedsPaymentError';
}

export class UnknownUserError extends Error {
  override name = 'UnknownUserError';
  readonly userId: string;
  constructor(userId: string) {
    super(`no cashback record for user ${userId} (no payment received yet)`);
    this.userId = userId;
  }
}

export { InvalidQuarterError } from '../domain/calendar.ts';

/** How long a refund waits for the workflow's quick look at its payment before it is recorded unchecked. */
const REFUND_CHECK_MS = 2_000;
/** How long a status query may wait for the workflow's answer. */
const STATUS_QUERY_MS = 15_000;

/** A recorded refund, and what was known of its payment: it fits (checked), it has not arrived (held), or no answer. */
export interface RecordedRefund {
  refund: RefundEvent;
  check: 'checked' | 'held' | 'unchecked';
}

/** The operator asked for something the workflow refused (e.g. retrying a payout that has not failed). */
export class OperatorRequestRejected extends Error {
  override name = 'OperatorRequestRejected';
}

/** The workflow's fixed summary line in the Temporal UI. */
function staticSummary(userId: string): string {
  return `Seqr cashback of user ${userId}`;
}

export interface CashbackClientOptions {
  /** New users' payout window (PAYOUT_WINDOW_HOURS); default 24. */
  payoutWindowHours?: number;
  /** Benches and tests only: new users follow this program instead of the shipped versions. */
  program?: Program;
  /** The clock that bounds how far in the future an event may be dated (the server's, in time-skipping tests). */
  now?: () => number;
}

export class CashbackClient {
  private readonly client: Client;
  private readonly taskQueue: string;
  private readonly newUser: Pick<CashbackWorkflowInput, 'payoutWindowHours' | 'program'>;
  /** The clock that bounds how far in the future an event may be dated (the server's, in time-skipping tests). */
  private readonly now: () => number;

  constructor(client: Client, taskQueue: string, options: CashbackClientOptions = {}) {
    this.client = client;
    this.taskQueue = taskQueue;
    const { payoutWindowHours, program } = options;
    this.newUser = { payoutWindowHours, ...(program ? { program } : {}) };
    this.now = options.now ?? Date.now;
  }

  /** Validates and records a payment; starts the user's workflow on their first one. Durable once this returns. */
  async recordPayment(raw: unknown): Promise<PaymentEvent> {
    const checked = validateEvent('payment', raw, this.now());
    if (!checked.ok) throw new InvalidEventError(checked.errors);
    const payment = checked.value;
    await this.signalUser(payment.userId, paymentSignal, payment);
    return payment;
  }

  /** Signals an event to the user's workflow, starting it on their first event: durable once the server accepts it. */
  private async signalUser<T>(userId: string, signal: SignalDefinition<[T]>, event: T): Promise<void> {
    const input: CashbackWorkflowInput = { userId, ...this.newUser };
    await this.client.workflow.signalWithStart(WORKFLOW_TYPE, {
      workflowId: workflowIdFor(userId),
      taskQueue: this.taskQueue,
      args: [input],
      staticSummary: staticSummary(userId),
      signal,
      signalArgs: [event],
    });
  }

  /**
   * Starts a new user's workflow with their history (e.g. imported from an earlier system, or the demo): the books open
   * at
   * `fromQuarter`, every event is validated first, and quarters whose payout instant has passed are closed and paid at
   * once.
   */
  async importHistory(
    userId: string,
    fromQuarter: string,
    events: { type: EventType; event: unknown }[],
  ): Promise<void> {
    const firstQuarter = parseQuarterKey(fromQuarter);
    const now = this.now();
    const errors = events.flatMap(({ type, event }, i) => {
      const checked = validateEvent(type, event, now);
      const owner = (event as { userId?: unknown }).userId;
      if (checked.ok && owner !== userId) return [`event ${i + 1}: belongs to user ${String(owner)}, not ${userId}`];
      return checked.ok ? [] : checked.errors.map((error) => `event ${i + 1}: ${error}`);
    });
    if (errors.length) throw new InvalidEventError(errors);
    const input: CashbackWorkflowInput = {
      userId,
      ...this.newUser,
      history: {
        fromQuarter: firstQuarter,
        events: events.map(({ type, event }) => ({ type, raw: event, receivedAt: now })),
      },
    };
    try {
      await this.client.workflow.start(WORKFLOW_TYPE, {
        workflowId: workflowIdFor(userId),
        taskQueue: this.taskQueue,
        args: [input],
        staticSummary: staticSummary(userId),
      });
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError)
        throw new OperatorRequestRejected(
          `user ${userId} already has a cashback workflow: history can only be imported for a new user`,
        );
      throw error;
    }
  }

  /**
   * Records a refund: durable once the server accepts the signal, whether or not a worker is up, exactly like a payment.
   * Its shape is checked here; whether it fits its payment is the workflow's to decide (a refund before its payment waits
   * for it). A quick look at the payment, when a worker answers in time, turns an obvious excess into an error now.
   */
  async recordRefund(raw: unknown): Promise<RecordedRefund> {
    const checked = validateEvent('refund', raw, this.now());
    if (!checked.ok) throw new InvalidEventError(checked.errors);
    const refund = checked.value;
    const remaining = await this.paymentRemaining(refund.userId, refund.paymentId);
    if (typeof remaining === 'number' && refund.amount.cents > remaining) {
      throw new RefundExceedsPaymentError([
        `refund of ${refund.amount.cents} cents exceeds the ${remaining} cents left of payment ${refund.paymentId}`,
      ]);
    }
    await this.signalUser(refund.userId, refundSignal, refund);
    const check = remaining === 'no answer' ? 'unchecked' : remaining === undefined ? 'held' : 'checked';
    return { refund, check };
  }

  /** What is left of a payment, asked of the workflow with a short deadline: a number, unknown, or no answer in time. */
  private async paymentRemaining(userId: string, paymentId: string): Promise<number | undefined | 'no answer'> {
    const handle = this.client.workflow.getHandle(workflowIdFor(userId));
    try {
      const left = await this.client.withDeadline(Date.now() + REFUND_CHECK_MS, () =>
        handle.query(paymentRemainingQuery, paymentId),
      );
      return left ?? undefined;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined; // a new user: the refund starts their workflow
      return 'no answer'; // no worker up, or a busy one: the workflow decides when it runs
    }
  }

  async getStatus(userId: string): Promise<CashbackStatus> {
    const checked = eventSchemas().userId.safeParse(userId);
    if (!checked.success) throw new InvalidEventError(checked.error.issues.map((issue) => issue.message));
    try {
      // A deadline, so that a status never waits forever (no worker up, or a server that holds the query).
      return await this.client.withDeadline(Date.now() + STATUS_QUERY_MS, () =>
        this.client.workflow.getHandle(workflowIdFor(userId)).query(statusQuery),
      );
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new UnknownUserError(userId);
      if (isGrpcDeadlineError(error))
        throw new Error(
          `user ${userId}'s workflow did not answer within ${STATUS_QUERY_MS / 1000} s: is a worker running?`,
          { cause: error },
        );
      throw error;
    }
  }

  /** Retries a failed payout under its original idempotency key; resolves once the credit succeeded or failed again. */
  async retryPayout(userId: string, quarter: string): Promise<PayoutAttemptResult> {
    const key = parseQuarterKey(quarter);
    try {
      return await this.client.workflow
        .getHandle(workflowIdFor(userId))
        .executeUpdate(retryPayoutUpdate, { args: [key] });
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new UnknownUserError(userId);
      if (error instanceof WorkflowUpdateFailedError)
        throw new OperatorRequestRejected(error.cause?.message ?? error.message);
      throw error;
    }
  }

  /**
   * Every running user workflow with the last quarter it paid, read from visibility (the LastPaidQuarter search
   * attribute): one listing, not a query per user, so it needs no worker and scales with pages, not users.
   */
  async *lastPaidQuarters(): AsyncIterable<{ userId: string; lastPaidQuarter: string | undefined }> {
    const running = this.client.workflow.list({
      query: `WorkflowType = '${WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'`,
    });
    for await (const execution of running) {
      const userId = userIdOf(execution.workflowId);
      if (userId) yield { userId, lastPaidQuarter: execution.typedSearchAttributes.get(LastPaidQuarter) };
    }
  }
}
