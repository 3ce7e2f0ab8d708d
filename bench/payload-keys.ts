// Payload encryption for the bench's and the chaos run's processes, as in production (docs/security.md): one fresh key
// ring per run, given to every cashback worker and engine process they start (PAYLOAD_KEYS) and to every client they
// make. The no-op baseline worker (noop-worker.ts) and its client stay unencrypted: they are Temporal's own floor.
import type { DataConverter } from '@temporalio/common';
import { dataConverterFor, dataConverterOf } from '../src/codec/data-converter.ts';
import { parseKeyList } from '../src/codec/key-ring.ts';
import { ephemeralKeys } from '../tools/infra/payload-keys.ts';

/**
 * The variables of the encryption settings. Each run sets all of them: a key file or an active key id in the shell the
 * run was started from would otherwise reach the processes it starts (an empty variable counts as unset).
 */
export interface PayloadEnv {
  PAYLOAD_ENCRYPTION: 'on' | 'off';
  PAYLOAD_KEYS: string;
  PAYLOAD_KEY_FILE: '';
  PAYLOAD_ACTIVE_KEY_ID: '';
}

export interface RunKeys {
  /** For every cashback worker, HTTP front door and CLI process the run starts. */
  env: PayloadEnv;
  /** For every client the run makes that talks to those workers. */
  dataConverter: DataConverter;
}

/** A fresh one-key ring for this run. */
export function runKeys(id: string): RunKeys {
  const keys = ephemeralKeys(id);
  return {
    env: { PAYLOAD_ENCRYPTION: 'on', PAYLOAD_KEYS: keys, PAYLOAD_KEY_FILE: '', PAYLOAD_ACTIVE_KEY_ID: '' },
    dataConverter: dataConverterOf({ PAYLOAD_ENCRYPTION: 'on', payloadKeys: parseKeyList(keys, undefined) }),
  };
}

/** Payloads in clear: the no-op baseline's processes, and the encryption case's OFF arm. */
export const unencrypted: RunKeys = {
  env: { PAYLOAD_ENCRYPTION: 'off', PAYLOAD_KEYS: '', PAYLOAD_KEY_FILE: '', PAYLOAD_ACTIVE_KEY_ID: '' },
  dataConverter: dataConverterFor(undefined),
};
