// The one data converter of every process that talks to Temporal (the client library, the HTTP front door, the CLI,
// the worker, the codec server, benches and tests): payloads encrypted under the key ring's active key, and failures'
// messages inside an encrypted payload.
import type { DataConverter } from '@temporalio/common';
import { fileURLToPath } from 'node:url';
import { EncryptionCodec, type PlaintextObserver } from './encryption-codec.ts';
import type { KeyRing } from './key-ring.ts';

/** Loaded by path, so that the worker's workflow sandbox uses it too (the bundles are built with it). */
export const failureConverterPath = fileURLToPath(new URL('./failure-converter.ts', import.meta.url));

/** Encrypts with `ring`; without a ring (PAYLOAD_ENCRYPTION=off), payloads go in clear. */
export function dataConverterFor(ring: KeyRing | undefined, onPlaintext?: PlaintextObserver): DataConverter {
  return { payloadCodecs: ring ? [new EncryptionCodec(ring, onPlaintext)] : [], failureConverterPath };
}

/** The environment's data converter: a process with encryption on and no key ring stops here, saying what to set. */
export function dataConverterOf(
  env: { PAYLOAD_ENCRYPTION: 'on' | 'off'; payloadKeys?: KeyRing },
  onPlaintext?: PlaintextObserver,
): DataConverter {
  if (env.PAYLOAD_ENCRYPTION === 'off') return dataConverterFor(undefined);
  if (!env.payloadKeys)
    throw new Error(
      'payload encryption is on and no key ring is set: PAYLOAD_KEY_FILE or PAYLOAD_KEYS (docs/security.md), or PAYLOAD_ENCRYPTION=off',
    );
  return dataConverterFor(env.payloadKeys, onPlaintext);
}
