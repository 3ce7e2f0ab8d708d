// Baseline workflows: the least a signal-driven workflow and a one-activity payout can cost on this server.
import { condition, defineSignal, proxyActivities, setHandler, sleep } from '@temporalio/workflow';

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '10 seconds' });
export const countSignal = defineSignal<[unknown]>('payment');

/** Counts signals and waits forever: the ceiling of signal-with-start ingestion. */
export async function countingWorkflow(): Promise<void> {
  let count = 0;
  setHandler(countSignal, () => void (count += 1));
  await condition(() => count < 0);
}

/**
 * A timer until `atMs`, then one no-op activity, like a payout's one transaction (statement and credit): the ceiling of
 * the quarter-end storm.
 */
export async function payoutLikeWorkflow(atMs: number): Promise<void> {
  if (atMs > Date.now()) await sleep(atMs - Date.now());
  await noop();
}
