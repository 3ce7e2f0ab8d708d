// A trivial workflow for the infrastructure smoke tests: sleeps, then runs one activity.
import { proxyActivities, sleep } from '@temporalio/workflow';
import type * as activities from './activities.ts';

const { greet } = proxyActivities<typeof activities>({ startToCloseTimeout: '10 seconds' });

export async function sleepThenGreet(name: string, duration: string): Promise<string> {
  await sleep(duration);
  return greet(name);
}
