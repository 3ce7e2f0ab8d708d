// Released histories (test/histories/<release>/) replay on every build that may be asked to run them. Runs are pinned
// to the build that started them and move to a newer build only at continue-as-new, with a fresh history; the one way
// onto another build mid-run is an operator's versioning override, and that goes only to a patch build of the same
// release line (docs/releasing.md, "A fix that must reach pinned runs"). So this build replays every history of its
// own line: 1.0.x replays 1.0.0's, and 1.1.0 starts a line of its own, recorded when it is cut. They must also replay on
// a deploy that adds a program version for a quarter none of them reached: that is what lets a version ship with
// workflows running.
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';
import { RELEASE } from '../../src/rollout/worker-deployment.ts';
import { releasedHistories, sameLine } from '../support/released-histories.ts';

describe(`replay of released histories on ${RELEASE}`, async () => {
  const histories = (await releasedHistories()).filter((h) => sameLine(h.release, RELEASE));

  it('has the histories of this release line to replay, one for each state a deploy can meet a run in', () => {
    const names = histories.map((h) => h.name);
    for (const state of ['mid-quarter', 'held-refund', 'failed-payout', 'asleep', 'seed-run2'])
      expect(names.some((name) => name.startsWith(state))).toBe(true);
  });

  const replay = async (path: URL, codePath: string) => {
    const history = historyFromJSON(JSON.parse(await readFile(path, 'utf8')));
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath } }, history, path.pathname),
    ).resolves.toBeUndefined();
  };

  it.each(histories)('$release/$name replays without nondeterminism', ({ path }) =>
    replay(path, inject('workflowBundlePath')),
  );

  it.each(histories)('$release/$name replays on a deploy that adds the next program version', ({ path }) =>
    replay(path, inject('nextProgramBundlePath')),
  );

  it('keeps every released folder: releases are never removed or re-recorded', async () => {
    const folders = await readdir(new URL('../histories/', import.meta.url));
    expect(folders).toContain('1.0.0');
  });
});
