// The payload codec on its own: AES-256-GCM round trips for any payload, a fresh IV each time, the key id in the
// metadata, old keys decrypting after a rotation, payloads in clear passed through (and reported without content), and
// a clear error for a key it lacks or a payload altered.
import fc from 'fast-check';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { ENCRYPTED_ENCODING, EncryptionCodec, KEY_ID_METADATA } from '../../src/codec/encryption-codec.ts';
import { keyRingOf, newKey } from '../../src/codec/key-ring.ts';

const hexOf = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('hex');
/** A payload as hex strings: a Buffer and a Uint8Array of the same bytes compare equal. */
const hex = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, hexOf(v)])),
  data: hexOf(p.data),
});
const text = (bytes: Uint8Array | null | undefined) => new TextDecoder().decode(bytes ?? new Uint8Array());
const k1 = newKey();
const k2 = newKey();
const ringOld = keyRingOf('k1', { k1 }, 'test');
const ringRotated = keyRingOf('k2', { k1, k2 }, 'test');

const arbitraryPayload = fc
  .record({
    metadata: fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), fc.uint8Array({ maxLength: 40 }), {
      maxKeys: 4,
    }),
    data: fc.uint8Array({ maxLength: 2_000 }),
  })
  .map((p): Payload => ({
    metadata: { encoding: new TextEncoder().encode('json/plain'), ...p.metadata },
    data: p.data,
  }));

describe('the encryption codec', () => {
  it('decodes what it encodes, for any payload, and hides its bytes', async () => {
    const codec = new EncryptionCodec(ringOld);
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraryPayload, { maxLength: 5 }), async (payloads) => {
        const encoded = await codec.encode(payloads);
        expect(encoded.map((p) => text(p.metadata?.encoding))).toEqual(payloads.map(() => ENCRYPTED_ENCODING));
        expect(encoded.map((p) => text(p.metadata?.[KEY_ID_METADATA]))).toEqual(payloads.map(() => 'k1'));
        const decoded = await codec.decode(encoded);
        expect(decoded.map(hex)).toEqual(payloads.map(hex));
      }),
      { numRuns: 200 },
    );
  });

  it('uses a fresh IV per payload: the same value never encrypts to the same bytes', async () => {
    const codec = new EncryptionCodec(ringOld);
    const payload = defaultPayloadConverter.toPayload({ paymentId: 'MARKER-1', cents: 2500 });
    const [a, b] = await codec.encode([payload, payload]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
    expect(Buffer.from(a!.data!).includes('MARKER-1')).toBe(false);
    // IV (12 bytes) + ciphertext of the protobuf-encoded payload + tag (16 bytes).
    expect(a!.data!.length).toBeGreaterThan(payload.data!.length + 28);
  });

  it('after a rotation: encrypts under the new key, and still decrypts the old one', async () => {
    const before = await new EncryptionCodec(ringOld).encode([defaultPayloadConverter.toPayload('old')]);
    const rotated = new EncryptionCodec(ringRotated);
    const after = await rotated.encode([defaultPayloadConverter.toPayload('new')]);
    expect(text(after[0]!.metadata![KEY_ID_METADATA])).toBe('k2');
    const decoded = await rotated.decode([...before, ...after]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual(['old', 'new']);
  });

  it('names the key it lacks, and refuses an altered payload', async () => {
    const [underK2] = await new EncryptionCodec(ringRotated).encode([defaultPayloadConverter.toPayload(1)]);
    await expect(new EncryptionCodec(ringOld).decode([underK2!])).rejects.toThrow(
      'a payload is encrypted under key "k2", which is not in this process\'s key ring',
    );
    const altered = Uint8Array.from(underK2!.data!);
    altered[20]! ^= 1;
    await expect(new EncryptionCodec(ringRotated).decode([{ ...underK2!, data: altered }])).rejects.toThrow(
      /under key "k2" does not authenticate/,
    );
    const otherKeySameId = keyRingOf('k2', { k2: newKey() }, 'test');
    await expect(new EncryptionCodec(otherKeySameId).decode([underK2!])).rejects.toThrow(/does not authenticate/);
  });

  it('passes payloads in clear through, telling the observer their encoding and size only', async () => {
    const seen: unknown[] = [];
    const codec = new EncryptionCodec(ringOld, (s) => seen.push(s));
    const plain = defaultPayloadConverter.toPayload({ paymentId: 'p-1' });
    const context = { type: 'workflow', namespace: 'default', workflowId: 'cashback-u1' } as const;
    expect(await codec.decode([plain], context)).toEqual([plain]);
    expect(seen).toEqual([{ encoding: 'json/plain', bytes: plain.data!.length, context }]);
  });
});
