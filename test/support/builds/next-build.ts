// Build B of the rolling-deploy test: the next release's workflow, as a real one would change it. It issues one more
// command when a quarter closes (a short timer before the close), so a 1.0.0 history that closed a quarter does not
// replay on it: only pinning keeps such runs on 1.0.0 until they continue as new.
import { setWorkflowOptions, sleep } from '@temporalio/workflow';
import { CashbackRun } from '../../../src/workflows/cashback-run.ts';
import { runCashback } from '../../../src/workflows/cashback-workflow.ts';
import type { CashbackWorkflowInput } from '../../../src/workflows/definitions.ts';

class NextBuildRun extends CashbackRun {
  override async closeDueQuarters(): Promise<void> {
    await sleep(100);
    return super.closeDueQuarters();
  }
}

export async function cashbackWorkflow(input: CashbackWorkflowInput): Promise<void> {
  return runCashback(new NextBuildRun(input));
}
setWorkflowOptions({ versioningBehavior: 'PINNED' }, cashbackWorkflow);
