// Every recorded history (test/histories/) must replay with today's workflow code: changes that would break running
// workflows fail here, and need patching (see README, "Changing workflow logic").
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';

const dir = new URL('../histories/', import.meta.url);

describe('replay of recorded histories', async () => {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.json')).sort();

  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it.each(files)('%s replays without nondeterminism', async (file) => {
    const history = historyFromJSON(JSON.parse(await readFile(new URL(file, dir), 'utf8')));
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, file),
    ).resolves.toBeUndefined();
  });
});
