// Key rings for local runs: a fresh ring for a test run or a benchmark, passed to the processes they start as
// PAYLOAD_KEYS, and the data converter of an environment for the clients a tool or test makes itself.
import type { DataConverter } from '@temporalio/common';
import { dataConverterOf } from '../../src/codec/data-converter.ts';
import { newKey } from '../../src/codec/key-ring.ts';
import { readEnvironment } from '../../src/config/environment.ts';

/** A fresh one-key ring as PAYLOAD_KEYS, for the processes of one test run or benchmark. */
export function ephemeralKeys(id = 'test'): string {
  return `${id}:${newKey()}`;
}

/** The data converter of this process's environment, for clients a tool or test makes itself. */
export function environmentDataConverter(env: NodeJS.ProcessEnv = process.env): DataConverter {
  return dataConverterOf(readEnvironment(env));
}
