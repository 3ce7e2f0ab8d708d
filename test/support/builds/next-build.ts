// Build B of the rolling-deploy test: the next release's workflow, as a real one would change it.
// - It issues one more command when a quarter closes (a short timer before the close), so a 1.0.0 history that closed
//   a quarter does not replay on it: only pinning keeps such runs on 1.0.0 until they continue as new.
// - It knows a signal 1.0.0 does not: `events`, a batch of events (type and event) for one user. A 1.0.0 run keeps
//   such a signal and carries it over continue-as-new; this build applies it.
import { setWorkflowOptions, sleep } from '@temporalio/workflow';
import type { EventType } from '../../../src/domain/events.ts';
import { CashbackRun } from '../../../src/workflows/cashback-run.ts';
import { runCashback } from '../../../src/workflows/cashback-workflow.ts';
import type { CashbackWorkflowInput, UnknownSignal } from '../../../src/workflows/definitions.ts';

class NextBuildRun extends CashbackRun {
  override async closeDueQuarters(): Promise<void> {
    await sleep(100);
    return super.closeDueQuarters();
  }

  protected override receiveSignal(signal: UnknownSignal): void {
    if (signal.name !== 'events') return super.receiveSignal(signal);
    for (const { type, event } of signal.args[0] as { type: EventType; event: unknown }[])
      this.enqueue(type, event, signal.receivedAt);
  }
}

export async function cashbackWorkflow(input: CashbackWorkflowInput): Promise<void> {
  return runCashback(new NextBuildRun(input));
}
setWorkflowOptions({ versioningBehavior: 'PINNED' }, cashbackWorkflow);
