// `npm run bundle [-- FILE]`: builds the workflow bundle once, as a deploy ships it (the image builds it at image build
// time), so that a worker started with WORKFLOW_BUNDLE_PATH=FILE does not bundle at every start.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { bundleWorkflows } from './create-worker.ts';

export const DEFAULT_BUNDLE_FILE = 'dist/workflows.js';

if (import.meta.main) {
  const file = resolve(process.argv[2] ?? DEFAULT_BUNDLE_FILE);
  const code = await bundleWorkflows({
    log() {},
    trace() {},
    debug() {},
    info: (message, meta) => console.error(message, meta ?? ''),
    warn: (message, meta) => console.error(message, meta ?? ''),
    error: (message, meta) => console.error(message, meta ?? ''),
  });
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, code);
  console.error(`workflow bundle written to ${file} (${Math.round(code.length / 1024)} KiB)`);
}
