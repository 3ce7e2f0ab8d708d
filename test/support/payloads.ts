// Payloads read from a raw history (fetchHistory does not decode them): through this process's codec, then JSON.
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { KEY_ID_METADATA } from '../../src/codec/encryption-codec.ts';
import { environmentDataConverter } from '../../tools/infra/payload-keys.ts';

export async function decodePayloads<T>(payloads: Payload[] | null | undefined): Promise<T[]> {
  let decoded = payloads ?? [];
  for (const codec of [...(environmentDataConverter().payloadCodecs ?? [])].reverse())
    decoded = await codec.decode(decoded);
  return decoded.map((payload) => defaultPayloadConverter.fromPayload<T>(payload));
}

/** The key each payload is encrypted under (undefined: in clear). */
export function keyIdsOf(payloads: Payload[] | null | undefined): (string | undefined)[] {
  return (payloads ?? []).map((payload) => {
    const id = payload.metadata?.[KEY_ID_METADATA];
    return id ? new TextDecoder().decode(id) : undefined;
  });
}
