// Finds the Temporal CLI (which embeds the dev server): explicit path, PATH, our cache, `go install`, else the SDK
// download.
import type { EphemeralServerExecutable } from '@temporalio/testing';
import { join } from 'node:path';
import { cacheDir, MissingToolError, note, step } from './steps.ts';
import { isExecutable, onPath, run } from './run-command.ts';

/** v1.5.1 is the last CLI release whose go.mod has no `replace` directive, so plain `go install` can build it. */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';
const cachedCli = join(cacheDir, 'bin', 'temporal');

export async function resolveTemporalCli(): Promise<EphemeralServerExecutable> {
  const explicit = process.env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!(await isExecutable(explicit)))
      throw new MissingToolError(`TEMPORAL_CLI_PATH=${explicit} is not an executable file`);
    return { type: 'existing-path', path: explicit };
  }
  const found = (await onPath('temporal')) ?? ((await isExecutable(cachedCli)) ? cachedCli : undefined);
  if (found) return { type: 'existing-path', path: found };

  const go = await onPath('go');
  if (!go) {
    note(
      'no Temporal CLI and no Go toolchain: falling back to the SDK download (needs internet). ' +
        'Install Go >= 1.25 or the Temporal CLI, or set TEMPORAL_CLI_PATH, to avoid it.',
    );
    return { type: 'cached-download' };
  }
  await step(
    `building the Temporal CLI with go install ${TEMPORAL_CLI_MODULE} (first run only, a few minutes)`,
    async () => {
      try {
        await run(go, ['install', TEMPORAL_CLI_MODULE], {
          env: { ...process.env, GOBIN: join(cacheDir, 'bin'), GOFLAGS: '-trimpath' },
          maxBuffer: 64 * 1024 * 1024,
        });
      } catch (error) {
        const stderr = (error as { stderr?: string }).stderr ?? String(error);
        throw new MissingToolError(
          `go install ${TEMPORAL_CLI_MODULE} failed (needs Go >= 1.25): ` +
            stderr.trim().split('\n').slice(-3).join(' | '),
        );
      }
    },
  );
  return { type: 'existing-path', path: cachedCli };
}
