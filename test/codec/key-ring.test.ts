// Key rings from the environment: every bad key stops the process at start with one line that says which, and never
// prints a key.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataConverterOf } from '../../src/codec/data-converter.ts';
import { newKey, newKeyId } from '../../src/codec/key-ring.ts';
import { readEnvironment } from '../../src/config/environment.ts';

const key = newKey();
const noLocalFile = { SEQR_DATA_DIR: '/nonexistent-seqr-data' };
const problem = (env: Record<string, string>) => {
  try {
    readEnvironment({ ...noLocalFile, ...env });
  } catch (error) {
    return (error as Error).message;
  }
  return 'accepted';
};

describe('the payload key ring', () => {
  it('reads PAYLOAD_KEYS: one key is the active one; with several, PAYLOAD_ACTIVE_KEY_ID names it', () => {
    expect(readEnvironment({ ...noLocalFile, PAYLOAD_KEYS: `a:${key}` }).payloadKeys?.activeKeyId).toBe('a');
    const ring = readEnvironment({
      ...noLocalFile,
      PAYLOAD_KEYS: `a:${key}, b:${newKey()}`,
      PAYLOAD_ACTIVE_KEY_ID: 'b',
    }).payloadKeys!;
    expect([ring.activeKeyId, [...ring.keys.keys()]]).toEqual(['b', ['a', 'b']]);
  });

  it('refuses each bad key with one line naming it, and never shows the key', () => {
    const cases: [Record<string, string>, string][] = [
      [
        { PAYLOAD_KEYS: `a:${Buffer.alloc(16).toString('base64')}` },
        'PAYLOAD_KEYS: key "a" is 16 bytes; AES-256 needs 32',
      ],
      [{ PAYLOAD_KEYS: 'a:not*base64' }, 'PAYLOAD_KEYS: key "a" is not base64'],
      [
        { PAYLOAD_KEYS: `a:${key},b:${key}` },
        'PAYLOAD_ACTIVE_KEY_ID: required when PAYLOAD_KEYS holds more than one key',
      ],
      [{ PAYLOAD_KEYS: `a:${key}`, PAYLOAD_ACTIVE_KEY_ID: 'z' }, 'the active key "z" is not in the ring (a)'],
      [{ PAYLOAD_KEYS: `a:${key},a:${key}`, PAYLOAD_ACTIVE_KEY_ID: 'a' }, 'PAYLOAD_KEYS: key "a" appears twice'],
      [{ PAYLOAD_KEYS: key }, 'PAYLOAD_KEYS: each entry is id:base64-key, separated by commas'],
      [{ PAYLOAD_KEYS: `a b:${key}` }, 'key id "a b" must be 1–64 letters'],
      [
        { PAYLOAD_KEY_FILE: '/nonexistent/keys.json' },
        'PAYLOAD_KEY_FILE /nonexistent/keys.json: cannot be read (ENOENT)',
      ],
      [
        { PAYLOAD_KEYS: `a:${key}`, PAYLOAD_KEY_FILE: '/k.json' },
        'PAYLOAD_KEYS and PAYLOAD_KEY_FILE: set one, not both',
      ],
    ];
    for (const [env, expected] of cases) {
      const message = problem(env);
      expect(message).toContain(expected);
      expect(message).not.toContain(key);
      expect(message.split('\n')).toHaveLength(2); // "invalid configuration:" and the one line
    }
  });

  it('reads a key file, and says what is wrong with a malformed one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seqr-keys-'));
    const good = join(dir, 'good.json');
    await writeFile(good, JSON.stringify({ activeKeyId: 'k2', keys: { k1: newKey(), k2: newKey() } }));
    expect(readEnvironment({ ...noLocalFile, PAYLOAD_KEY_FILE: good }).payloadKeys?.activeKeyId).toBe('k2');
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ active: 'k1' }));
    expect(problem({ PAYLOAD_KEY_FILE: bad })).toContain('must look like {"activeKeyId"');
    await writeFile(bad, 'not json');
    expect(problem({ PAYLOAD_KEY_FILE: bad })).toContain(`PAYLOAD_KEY_FILE ${bad}: is not JSON`);
  });

  it("takes npm start's key file from the data directory when nothing else is set", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seqr-data-'));
    expect(readEnvironment({ SEQR_DATA_DIR: dir }).payloadKeys).toBeUndefined();
    await writeFile(join(dir, 'payload-keys.json'), JSON.stringify({ activeKeyId: 'local', keys: { local: key } }));
    expect(readEnvironment({ SEQR_DATA_DIR: dir }).payloadKeys?.activeKeyId).toBe('local');
  });

  it('with encryption on and no ring, a process that talks to Temporal stops and says what to set', () => {
    expect(() => dataConverterOf(readEnvironment(noLocalFile))).toThrow(
      'payload encryption is on and no key ring is set: PAYLOAD_KEY_FILE or PAYLOAD_KEYS (docs/security.md), or PAYLOAD_ENCRYPTION=off',
    );
    expect(dataConverterOf(readEnvironment({ ...noLocalFile, PAYLOAD_ENCRYPTION: 'off' })).payloadCodecs).toEqual([]);
  });

  it('names new keys by day, and a second one the same day after it', () => {
    const day = new Date('2026-12-02T10:00:00Z');
    expect(newKeyId([], day)).toBe('2026-12-02');
    expect(newKeyId(['2026-12-02'], day)).toBe('2026-12-02.2');
    expect(newKeyId(['2026-12-02', '2026-12-02.2'], day)).toBe('2026-12-02.3');
  });
});
