// Builds a Go program from the Go module proxy with `go install`, once, into our cache outside the repo.
import { join } from 'node:path';
import { isExecutable, onPath, run } from './run-command.ts';
import { MissingToolError, step } from './steps.ts';

export interface GoProgram {
  /** For messages: "the Temporal server". */
  what: string;
  /** module/path@version, as `go install` takes it. */
  module: string;
  /** The folder the binary goes to (several programs build a binary called `server`). */
  bin: string;
  /** The binary's file name: the last element of the package path. */
  binary: string;
  /** The Go version it needs, for the message when the build fails. */
  needsGo: string;
}

export function cachedBinary(program: GoProgram): string {
  return join(program.bin, program.binary);
}

/** The cached binary, built first if missing; a missing or too old Go is one line naming what to install. */
export async function goInstall(program: GoProgram): Promise<string> {
  const binary = cachedBinary(program);
  if (await isExecutable(binary)) return binary;
  const go = await onPath('go');
  if (!go)
    throw new MissingToolError(
      `${program.what} is built with Go ${program.needsGo}, and there is no \`go\` on PATH: install Go (https://go.dev/dl)`,
    );
  await step(`building ${program.what} with go install ${program.module} (first run only, a few minutes)`, async () => {
    try {
      await run(go, ['install', program.module], {
        env: { ...process.env, GOBIN: program.bin, GOFLAGS: '-trimpath' },
        maxBuffer: 64 * 1024 * 1024,
      });
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? String(error);
      throw new MissingToolError(
        `go install ${program.module} failed (needs Go ${program.needsGo}): ` +
          stderr.trim().split('\n').slice(-3).join(' | '),
        { cause: error },
      );
    }
  });
  return binary;
}

/** Where `go` keeps a module's source (schemas and web assets ship in it). */
export async function moduleSource(module: string): Promise<string> {
  const go = await onPath('go');
  if (!go) throw new MissingToolError('no `go` on PATH: install Go (https://go.dev/dl)');
  const { stdout } = await run(go, ['env', 'GOMODCACHE']);
  return join(stdout.trim(), module);
}
