// Every recorded history (test/histories/) must replay with today's workflow code: changes that would break running
// workflows fail here, and need patching (see README, "Changing workflow logic"). They must also replay on a deploy that
// adds a program version for a quarter none of them reached: that is what lets a version ship with workflows running.
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

  const replay = async (file: string, codePath: string) => {
    const history = historyFromJSON(JSON.parse(await readFile(new URL(file, dir), 'utf8')));
    await expect(Worker.runReplayHistory({ workflowBundle: { codePath } }, history, file)).resolves.toBeUndefined();
  };

  it.each(files)('%s replays without nondeterminism', (file) => replay(file, inject('workflowBundlePath')));

  it.each(files)('%s replays on a deploy that adds the next program version', (file) =>
    replay(file, inject('nextProgramBundlePath')),
  );
});
