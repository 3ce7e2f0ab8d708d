// AES-256-GCM over each whole payload (its metadata and data, as protobuf bytes), with a fresh 96-bit IV per payload and
// the key id in the metadata, so that a key ring decrypts what any of its keys encrypted. The wire format is in
// docs/security.md, for producers in other languages.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
// CommonJS package: Node's ESM loader cannot see its named exports.
import proto from '@temporalio/proto';
import type { KeyRing } from './key-ring.ts';

const { Payload: PayloadMessage } = proto.temporal.api.common.v1;

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const encryptedEncoding = encoder.encode(ENCRYPTED_ENCODING);

/** Called for each payload that arrives unencrypted (a producer that does not encrypt yet); never given its content. */
export type PlaintextObserver = (seen: { encoding: string; bytes: number; context?: SerializationContext }) => void;

export class EncryptionCodec implements PayloadCodec {
  private readonly ring: KeyRing;
  private readonly onPlaintext: PlaintextObserver | undefined;
  private readonly activeKeyId: Uint8Array;

  constructor(ring: KeyRing, onPlaintext?: PlaintextObserver) {
    this.ring = ring;
    this.onPlaintext = onPlaintext;
    this.activeKeyId = encoder.encode(ring.activeKeyId);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.ring.keys.get(this.ring.activeKeyId)!;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const plain = PayloadMessage.encode(payload).finish();
      return {
        metadata: { encoding: encryptedEncoding, [KEY_ID_METADATA]: this.activeKeyId },
        data: Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]),
      };
    });
  }

  async decode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.encoding ? decoder.decode(payload.metadata.encoding) : '';
      if (encoding !== ENCRYPTED_ENCODING) {
        this.onPlaintext?.({ encoding, bytes: payload.data?.length ?? 0, ...(context ? { context } : {}) });
        return payload;
      }
      const id = payload.metadata?.[KEY_ID_METADATA];
      if (!id) throw new Error(`an encrypted payload has no ${KEY_ID_METADATA} metadata`);
      const keyId = decoder.decode(id);
      const key = this.ring.keys.get(keyId);
      if (!key) throw new Error(`a payload is encrypted under key "${keyId}", which is not in this process's key ring`);
      const data = payload.data ?? new Uint8Array();
      if (data.length < IV_BYTES + TAG_BYTES) throw new Error(`an encrypted payload (key "${keyId}") is truncated`);
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new Error(`a payload under key "${keyId}" does not authenticate: another key of that id, or altered`);
      }
      const decoded = PayloadMessage.decode(plain) as Payload;
      // protobufjs leaves an empty bytes field as its default, a plain []: give the converters bytes.
      const bytes = decoded.data instanceof Uint8Array ? decoded.data : Uint8Array.from(decoded.data ?? []);
      return { ...decoded, metadata: decoded.metadata ?? {}, data: bytes };
    });
  }
}
