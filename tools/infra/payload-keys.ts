// Key rings for local runs: npm start's key file (made on its first run, mode 0600), and a fresh ring for a test run or
// a benchmark, passed to the processes they start as PAYLOAD_KEYS.
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { dataConverterOf } from '../../src/codec/data-converter.ts';
import { newKey, newKeyId, type KeyFile } from '../../src/codec/key-ring.ts';
import { readEnvironment } from '../../src/config/environment.ts';

/** Creates a key ring of one new key at `path` unless a file is there; true when it made one. */
export async function ensureKeyFile(path: string): Promise<boolean> {
  await mkdir(dirname(path), { recursive: true });
  const id = newKeyId([]);
  const ring: KeyFile = { activeKeyId: id, keys: { [id]: newKey() } };
  let file;
  try {
    file = await open(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await file.writeFile(`${JSON.stringify(ring, null, 2)}\n`);
  } finally {
    await file.close();
  }
  return true;
}

/** A fresh one-key ring as PAYLOAD_KEYS, for the processes of one test run or benchmark. */
export function ephemeralKeys(id = 'test'): string {
  return `${id}:${newKey()}`;
}

/** The data converter of this process's environment, for clients a tool or test makes itself. */
export function environmentDataConverter(env: NodeJS.ProcessEnv = process.env): DataConverter {
  return dataConverterOf(readEnvironment(env));
}
