// The key file an operator rotates: made with one key, a key added (inactive, so every process can first learn it),
// then made active, and an old one removed once nothing it encrypted is left (docs/security.md). Written whole to a
// temporary file and renamed, mode 0600, so that a reader never sees half a ring.
import { link, mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { newKey, newKeyId, readKeyFile, type KeyFile } from './key-ring.ts';

/** The file as stored: the ring, checked as a process would read it. */
function load(path: string): KeyFile {
  const ring = readKeyFile(path);
  return {
    activeKeyId: ring.activeKeyId,
    keys: Object.fromEntries([...ring.keys].map(([id, key]) => [id, key.toString('base64')])),
  };
}

async function write(path: string, ring: KeyFile, flag: 'wx' | 'w' = 'w'): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.payload-keys-${process.pid}-${Date.now()}.tmp`);
  const file = await open(temporary, 'wx', 0o600);
  try {
    await file.writeFile(`${JSON.stringify(ring, null, 2)}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
  if (flag === 'w') return rename(temporary, path);
  // Made only if none is there (a hard link fails on an existing name): a second `npm start`, or compose's one-shot
  // job, keeps the first ring.
  try {
    await link(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new KeyFileExists(path);
    throw error;
  } finally {
    await rm(temporary, { force: true });
  }
}

export class KeyFileExists extends Error {
  override name = 'KeyFileExists';
  constructor(path: string) {
    super(`${path} already exists: it holds the keys that decrypt existing data; add a key instead (keys add)`);
  }
}

/** Creates a ring of one new key at `path` unless a file is there; true when it made one. */
export async function ensureKeyFile(path: string): Promise<boolean> {
  const id = newKeyId([]);
  try {
    await write(path, { activeKeyId: id, keys: { [id]: newKey() } }, 'wx');
    return true;
  } catch (error) {
    if (error instanceof KeyFileExists) return false;
    throw error;
  }
}

/** Adds a new key; it encrypts only once activated. Returns its id. */
export async function addKey(path: string, activate = false): Promise<string> {
  const ring = load(path);
  const id = newKeyId(Object.keys(ring.keys));
  await write(path, { activeKeyId: activate ? id : ring.activeKeyId, keys: { ...ring.keys, [id]: newKey() } });
  return id;
}

export async function activateKey(path: string, id: string): Promise<void> {
  const ring = load(path);
  if (!(id in ring.keys)) throw new Error(`no key "${id}" in ${path} (${Object.keys(ring.keys).join(', ')})`);
  await write(path, { ...ring, activeKeyId: id });
}

/** Removes a key that no longer encrypts; what it encrypted can no longer be read. */
export async function removeKey(path: string, id: string): Promise<void> {
  const ring = load(path);
  if (!(id in ring.keys)) throw new Error(`no key "${id}" in ${path} (${Object.keys(ring.keys).join(', ')})`);
  if (ring.activeKeyId === id) throw new Error(`"${id}" is the active key: activate another one first`);
  const { [id]: _removed, ...rest } = ring.keys;
  await write(path, { ...ring, keys: rest });
}

/** The key ids, and which is active: never the keys. */
export function listKeys(path: string): { activeKeyId: string; ids: string[] } {
  const ring = load(path);
  return { activeKeyId: ring.activeKeyId, ids: Object.keys(ring.keys) };
}
