// The producer contract: JSON Schema documents of the `payment` and `refund` payloads, generated from the same zod
// schemas the client and the workflow validate with (src/domain/events.ts), for teams that do not use TypeScript.
// `npm run contract` writes them to contract/; a test fails when the committed files are stale.
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { eligibleKinds, eventSchemas } from '../domain/events.ts';
import type { EventType } from '../domain/events.ts';

export const contractDir = fileURLToPath(new URL('../../contract/', import.meta.url));

const about: Record<EventType, { title: string; description: string }> = {
  payment: {
    title: 'Seqr payment',
    description:
      `A payment of a Seqr user, signalled as "payment" to workflow "cashback-<userId>". Kinds ${eligibleKinds.join(', ')} ` +
      'earn cashback; p2p and charity never do. occurredAt decides the month (Europe/Stockholm). paymentId is the ' +
      'idempotency key: a repeat is ignored.',
  },
  refund: {
    title: 'Seqr refund',
    description:
      'A partial or full refund of a payment, signalled as "refund" to workflow "cashback-<userId>". It counts in the ' +
      "payment's month; one that arrives before its payment waits for it. refundId is the idempotency key.",
  },
};

/** The JSON Schema (draft 2020-12) of an event type. */
function jsonSchemaOf(type: EventType): Record<string, unknown> {
  const generated = z.toJSONSchema(eventSchemas()[type]) as Record<string, unknown>;
  return { $id: `https://seqr.example/cashback/${type}.schema.json`, ...about[type], ...generated };
}

export function eventJsonSchemas(): Record<EventType, Record<string, unknown>> {
  return { payment: jsonSchemaOf('payment'), refund: jsonSchemaOf('refund') };
}

export function schemaFileOf(type: EventType): string {
  return `${contractDir}${type}.schema.json`;
}
