// One long-running workflow per user: tallies payments, closes each quarter at its payout instant, credits exactly
// once. Each run is pinned to the build that started it and moves to the current build when it continues as new
// (docs/releasing.md).
import { condition, setDefaultSignalHandler, setHandler, setWorkflowOptions } from '@temporalio/workflow';
import { eventTypes } from '../domain/events.ts';
import { paymentRemaining } from '../domain/state.ts';
import { statusOf } from '../domain/status.ts';
import { CashbackRun } from './cashback-run.ts';
import {
  eventSignals,
  paymentRemainingQuery,
  retryPayoutUpdate,
  statusQuery,
  wakeSignal,
  type CashbackWorkflowInput,
} from './definitions.ts';

export async function cashbackWorkflow(input: CashbackWorkflowInput): Promise<void> {
  return runCashback(new CashbackRun(input));
}

// Pinned: a run replays only on the build that wrote its history; it upgrades at continue-as-new.
setWorkflowOptions({ versioningBehavior: 'PINNED' }, cashbackWorkflow);

/** The main loop of a run: handlers only enqueue, the loop applies, pays, retries and rolls over. */
export async function runCashback(run: CashbackRun): Promise<void> {
  for (const type of eventTypes) setHandler(eventSignals[type], (raw) => run.enqueue(type, raw));
  // Nothing to do but wake up: the loop then sees whether a newer build is current.
  setHandler(wakeSignal, () => undefined);
  // A signal this build does not know (a newer producer's) is kept and carried until a build that knows it.
  setDefaultSignalHandler((name, ...args) => run.keepUnknownSignal(name, args));
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
