// A fix that must reach runs already pinned to 1.0.0 (docs/releasing.md): the same change as next-build.ts, shipped as
// patch release 1.0.1 behind patched(), so that 1.0.0's histories replay on it and an operator's versioning override
// may move pinned runs onto it. A run that has not yet closed the quarter takes the new path; a replay of one that had
// already closed it keeps the old one.
import { patched, setWorkflowOptions, sleep } from '@temporalio/workflow';
import { CashbackRun } from '../../../src/workflows/cashback-run.ts';
import { runCashback } from '../../../src/workflows/cashback-workflow.ts';
import type { CashbackWorkflowInput } from '../../../src/workflows/definitions.ts';

class PatchedRun extends CashbackRun {
  override async closeDueQuarters(): Promise<void> {
    if (patched('pause-before-close')) await sleep(100);
    return super.closeDueQuarters();
  }
}

export async function cashbackWorkflow(input: CashbackWorkflowInput): Promise<void> {
  return runCashback(new PatchedRun(input));
}
setWorkflowOptions({ versioningBehavior: 'PINNED' }, cashbackWorkflow);
