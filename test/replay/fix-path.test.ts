// The path of a fix that must reach runs already pinned to 1.0.0: a patch build whose change is behind patched()
// replays every 1.0.0 history, so an operator's versioning override may move pinned runs onto it. The same change
// without patched() (the next release's build B, test/support/builds/next-build.ts) does not: this test is what keeps
// an unguarded change from being shipped as a patch.
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { readFile } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';
import { releasedHistories } from '../support/released-histories.ts';

const histories = (await releasedHistories()).filter((h) => h.release === '1.0.0');

async function replay(path: URL, codePath: string): Promise<void> {
  const history = historyFromJSON(JSON.parse(await readFile(path, 'utf8')));
  await Worker.runReplayHistory({ workflowBundle: { codePath } }, history, path.pathname);
}

describe('a fix for pinned runs: patched() on the 1.0 line', () => {
  it.each(histories)('1.0.0/$name replays on the patched fix', async ({ path }) => {
    await expect(replay(path, inject('patchedFixBundlePath'))).resolves.toBeUndefined();
  });

  it('the same change without patched() fails the replay of every 1.0.0 history that closed a quarter', async () => {
    const failed: string[] = [];
    for (const { name, path } of histories)
      await replay(path, inject('nextBuildBundlePath')).catch((error: Error) => {
        expect(error.name).toBe('DeterminismViolationError');
        failed.push(name);
      });
    expect(failed.sort()).toEqual([
      'failed-payout-run1',
      'quiet-run1',
      'quiet-run2',
      'retried-payout-run1',
      'seed-run1',
    ]);
  });
});
