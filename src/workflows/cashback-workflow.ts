// One long-running workflow per user: tallies payments, closes each quarter at its payout instant, credits exactly
// once.
import { condition, setHandler } from '@temporalio/workflow';
import { paymentRemaining } from '../domain/state.ts';
import { statusOf } from '../domain/status.ts';
import { CashbackRun } from './cashback-run.ts';
import {
  paymentRemainingQuery,
  paymentSignal,
  refundSignal,
  retryPayoutUpdate,
  statusQuery,
  type CashbackWorkflowInput,
} from './definitions.ts';

export async function cashbackWorkflow(input: CashbackWorkflowInput): Promise<void> {
  const run = new CashbackRun(input);
  setHandler(paymentSignal, (raw) => run.enqueue('payment', raw));
  setHandler(refundSignal, (raw) => run.enqueue('refund', raw));
  setHandler(statusQuery, () => statusOf(run.state, Date.now()));
  setHandler(paymentRemainingQuery, (paymentId) => paymentRemaining(run.state, paymentId));
  setHandler(retryPayoutUpdate, (quarter) => run.requestRetry(quarter), {
    validator: (quarter) => run.validateRetry(quarter),
  });

  run.applyEvents();
  for (;;) {
    run.armPayoutTimer();
    if (!run.hasWork) run.publish();
    await condition(() => run.hasWork);
    if (run.rolloverDue) await run.rollOver();
    run.applyEvents();
    // Awaited only when there is something to do: every promise a workflow creates costs the SDK a stack trace.
    if (run.payoutDue) await run.closeDueQuarters();
    if (run.retryRequested) await run.serveRetries();
  }
}
