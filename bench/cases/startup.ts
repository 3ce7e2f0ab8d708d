// How long a worker takes from its start to "worker ready": bundling the workflows at start, as `npm run worker` does,
// against a bundle built once beforehand (WORKFLOW_BUNDLE_PATH, as the image ships it), in alternating rounds.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflows, warningsOnly } from '../../src/worker/create-worker.ts';
import { startWorkerProcess } from '../../tools/infra/worker-process.ts';
import type { BenchContext } from '../context.ts';
import { inRoundOrder, percentile, row, type Row } from '../support.ts';

export async function startup(ctx: BenchContext): Promise<Row[]> {
  const rounds = ctx.quick ? 2 : 4;
  const dir = await mkdtemp(join(tmpdir(), 'seqr-bench-bundle-'));
  const bundle = join(dir, 'workflows.js');
  await writeFile(bundle, await bundleWorkflows(warningsOnly));
  const seconds: Record<'atStart' | 'prebuilt', number[]> = { atStart: [], prebuilt: [] };
  try {
    for (let round = 1; round <= rounds; round++)
      for (const arm of inRoundOrder(round, ['atStart', 'prebuilt'] as const)) {
        const started = performance.now();
        const worker = await startWorkerProcess({
          ...ctx.workerEnv,
          ...(arm === 'prebuilt' ? { WORKFLOW_BUNDLE_PATH: bundle } : {}),
        });
        seconds[arm].push((performance.now() - started) / 1000);
        await worker.stop();
      }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const median = (values: number[]) => percentile(values, 50);
  return [
    row({
      case: 'startup',
      metric: 'worker start to ready, prebuilt bundle',
      value: median(seconds.prebuilt),
      unit: 's',
      baseline: { name: 'bundled at start', value: median(seconds.atStart) },
      note: `medians of ${rounds} starts each, alternating`,
    }),
  ];
}
