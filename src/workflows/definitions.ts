// The workflow's public surface, shared by the workflow, the client and the tests.
import type { SignalDefinition } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { QuarterKey } from '../domain/calendar.ts';
import type { EventType } from '../domain/events.ts';
import type { Program } from '../domain/program.ts';
import type { CashbackState } from '../domain/state.ts';
import type { CashbackStatus } from '../domain/status.ts';

export const WORKFLOW_TYPE = 'cashbackWorkflow';

export function workflowIdFor(userId: string): string {
  return `cashback-${userId}`;
}

/** The user a workflow id belongs to; undefined for any other workflow. */
export function userIdOf(workflowId: string): string | undefined {
  return workflowId.startsWith('cashback-') ? workflowId.slice('cashback-'.length) : undefined;
}

/** Raw payloads: validated inside the workflow too, so a bad one is recorded as rejected, never fails a task. */
export const paymentSignal = defineSignal<[unknown]>('payment');
export const refundSignal = defineSignal<[unknown]>('refund');
/** The signal that carries each event type (named after it). */
export const eventSignals: Record<EventType, SignalDefinition<[unknown]>> = {
  payment: paymentSignal,
  refund: refundSignal,
};
/**
 * Wakes a run without an event: a run pinned to an older build then sees that a newer one is current and moves to it
 * (`npm run cli -- rollout nudge`).
 */
export const wakeSignal = defineSignal('wake');
export const statusQuery = defineQuery<CashbackStatus>('status');
/** Cents left of a payment (undefined if unknown): the client checks a refund against it before sending. */
export const paymentRemainingQuery = defineQuery<number | undefined, [string]>('paymentRemaining');

/**
 * The activity failure type of a closed or blocked Seqr Account: permanent, so the workflow does not retry it and waits
 * for an operator. The activities throw it, the workflow lists it as non-retryable.
 */
export const ACCOUNT_UNAVAILABLE = 'AccountUnavailable';

/** What one credit of a quarter's payout came to: the first, when the quarter closes, or an operator's retry. */
export interface PayoutAttemptResult {
  quarter: QuarterKey;
  status: 'paid' | 'failed';
  amountCents: number;
  ledgerEntryId?: number;
  failureReason?: string;
}
/** Operator: retry a failed payout with the same idempotency key. Rejected up front unless that payout has failed. */
export const retryPayoutUpdate = defineUpdate<PayoutAttemptResult, [QuarterKey]>('retryPayout');

export interface PendingEvent {
  type: EventType;
  raw: unknown;
  receivedAt: number;
}

/** A signal the build that received it did not know: carried over continue-as-new to a build that does. */
export interface UnknownSignal {
  name: string;
  args: unknown[];
  receivedAt: number;
}

export interface CashbackWorkflowInput {
  userId: string;
  /** A new user's payout window in hours (PAYOUT_WINDOW_HOURS); a continued run keeps the one in its state. */
  payoutWindowHours?: number;
  /** Benches and tests only: a whole program in place of the shipped versions (see CashbackState.program). */
  program?: Program;
  /** Carried over continue-as-new. */
  state?: CashbackState;
  pending?: PendingEvent[];
  /** Carried over continue-as-new: signals an older build kept for this one. */
  unknownSignals?: UnknownSignal[];
  /** A new user's imported history: the books open at `fromQuarter` and these events are applied first. */
  history?: { fromQuarter: QuarterKey; events: PendingEvent[] };
}
