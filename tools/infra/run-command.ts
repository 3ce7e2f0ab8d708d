// Small helpers to find and run external tools during provisioning.
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { MissingToolError } from './steps.ts';

export const run = promisify(execFile);

export async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The executable an environment variable names, when set: a path that is not one stops with one line naming both. */
export async function explicitExecutable(variable: string): Promise<string | undefined> {
  const path = process.env[variable];
  if (path && !(await isExecutable(path))) throw new MissingToolError(`${variable}=${path} is not an executable file`);
  return path;
}

/** The first executable named `name` on PATH, like `which`. */
export async function onPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && (await isExecutable(join(dir, name)))) return join(dir, name);
  }
  return undefined;
}
