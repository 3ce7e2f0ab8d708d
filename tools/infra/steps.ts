// Provisioning output: one line per step with its duration, and one clear line when a tool is missing.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where provisioned tools live: outside the repo so clean clones reuse them. */
export const cacheDir = process.env.SEQR_CACHE_DIR ?? join(homedir(), '.cache', 'seqr-cashback');

export async function step<T>(what: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  process.stderr.write(`[infra] ${what} ...\n`);
  const result = await run();
  process.stderr.write(`[infra] ${what}: done in ${((performance.now() - started) / 1000).toFixed(2)} s\n`);
  return result;
}

export function note(line: string): void {
  process.stderr.write(`[infra] ${line}\n`);
}

/** A missing prerequisite: reported as one line naming what to install, never as a stack trace. */
export class MissingToolError extends Error {
  override name = 'MissingToolError';
}
