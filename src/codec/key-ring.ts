// The payload key ring: key id → 256-bit AES key, and the id of the active key that encrypts. Old keys stay in the ring
// to decrypt what they encrypted (docs/security.md). Read from PAYLOAD_KEYS or a key file; nothing here logs a key.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export interface KeyRing {
  activeKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

export const KEY_BYTES = 32;
const keyId = /^[A-Za-z0-9._-]{1,64}$/;

/** The key file's shape: `{"activeKeyId": "2026-12", "keys": {"2026-12": "<base64 of 32 bytes>"}}`. */
const keyFileSchema = z.object({
  activeKeyId: z.string(),
  keys: z.record(z.string(), z.string()),
});
export type KeyFile = z.infer<typeof keyFileSchema>;

/** A ring from ids and base64 keys; every problem in one line that names the key, never its value. */
export function keyRingOf(activeKeyId: string, encoded: Record<string, string>, source: string): KeyRing {
  const keys = new Map<string, Buffer>();
  for (const [id, base64] of Object.entries(encoded)) {
    if (!keyId.test(id)) throw new Error(`${source}: key id "${id}" must be 1–64 letters, digits, '.', '_' or '-'`);
    const trimmed = base64.trim();
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || trimmed.length % 4 !== 0)
      throw new Error(`${source}: key "${id}" is not base64`);
    const key = Buffer.from(trimmed, 'base64');
    if (key.length !== KEY_BYTES)
      throw new Error(`${source}: key "${id}" is ${key.length} bytes; AES-256 needs ${KEY_BYTES}`);
    keys.set(id, key);
  }
  if (!keys.size) throw new Error(`${source}: no keys`);
  if (!keys.has(activeKeyId))
    throw new Error(`${source}: the active key "${activeKeyId}" is not in the ring (${[...keys.keys()].join(', ')})`);
  return { activeKeyId, keys };
}

/** PAYLOAD_KEYS: `id:base64,id:base64`; the active one is PAYLOAD_ACTIVE_KEY_ID, or the only one. */
export function parseKeyList(list: string, activeKeyId: string | undefined): KeyRing {
  const entries = list
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const colon = entry.indexOf(':');
      if (colon < 1) throw new Error('PAYLOAD_KEYS: each entry is id:base64-key, separated by commas');
      return [entry.slice(0, colon), entry.slice(colon + 1)] as const;
    });
  const ids = entries.map(([id]) => id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) throw new Error(`PAYLOAD_KEYS: key "${duplicate}" appears twice`);
  const active = activeKeyId ?? (entries.length === 1 ? entries[0]![0] : undefined);
  if (!active) throw new Error('PAYLOAD_ACTIVE_KEY_ID: required when PAYLOAD_KEYS holds more than one key');
  return keyRingOf(active, Object.fromEntries(entries), 'PAYLOAD_KEYS');
}

export function readKeyFile(path: string): KeyRing {
  const source = `PAYLOAD_KEY_FILE ${path}`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`${source}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${source}: is not JSON`);
  }
  const parsed = keyFileSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${source}: must look like {"activeKeyId": "...", "keys": {"id": "base64"}}`);
  return keyRingOf(parsed.data.activeKeyId, parsed.data.keys, source);
}

/** A new random key, base64. */
export function newKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/** A key id from the date: keys sort by when they were made (`2026-12-02`, then `2026-12-02.2` the same day). */
export function newKeyId(existing: Iterable<string>, now = new Date()): string {
  const day = now.toISOString().slice(0, 10);
  const taken = new Set(existing);
  if (!taken.has(day)) return day;
  let n = 2;
  while (taken.has(`${day}.${n}`)) n += 1;
  return `${day}.${n}`;
}
