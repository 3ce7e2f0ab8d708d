// Finds the Temporal CLI (which embeds the dev server): explicit path, PATH, our cache, `go install`, else the SDK
// download.
import type { EphemeralServerExecutable } from '@temporalio/testing';
import { join } from 'node:path';
import { cachedBinary, goInstall, type GoProgram } from './go-install.ts';
import { explicitExecutable, isExecutable, onPath } from './run-command.ts';
import { cacheDir, MissingToolError, note } from './steps.ts';

/** v1.5.1 is the last CLI release whose go.mod has no `replace` directive, so plain `go install` can build it. */
export const temporalCli: GoProgram = {
  what: 'the Temporal CLI',
  module: 'github.com/temporalio/cli/cmd/temporal@v1.5.1',
  bin: join(cacheDir, 'bin'),
  binary: 'temporal',
  needsGo: '>= 1.25',
};

export async function resolveTemporalCli(): Promise<EphemeralServerExecutable> {
  const explicit = await explicitExecutable('TEMPORAL_CLI_PATH');
  if (explicit) return { type: 'existing-path', path: explicit };
  const cached = cachedBinary(temporalCli);
  const found = (await onPath('temporal')) ?? ((await isExecutable(cached)) ? cached : undefined);
  if (found) return { type: 'existing-path', path: found };
  if (!(await onPath('go'))) {
    note(
      'no Temporal CLI and no Go toolchain: falling back to the SDK download (needs internet). ' +
        'Install Go >= 1.25 or the Temporal CLI, or set TEMPORAL_CLI_PATH, to avoid it.',
    );
    return { type: 'cached-download' };
  }
  return { type: 'existing-path', path: await goInstall(temporalCli) };
}

/** The CLI as a path, for the operator commands the cluster launch runs (namespace, search attributes). */
export async function temporalCliPath(): Promise<string> {
  const cli = await resolveTemporalCli();
  if (cli.type !== 'existing-path')
    throw new MissingToolError('the cluster shape needs the Temporal CLI: install Go >= 1.25');
  return cli.path;
}
