// The published JSON Schemas must be what the zod schemas generate today, and must accept and refuse what they do.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventJsonSchemas, schemaFileOf } from '../../src/contract/event-schemas.ts';
import { eventTypes } from '../../src/domain/events.ts';

describe('producer contract', () => {
  it.each(eventTypes)('contract/%s.schema.json is up to date (npm run contract regenerates it)', (type) => {
    const committed = JSON.parse(readFileSync(schemaFileOf(type), 'utf8'));
    expect(committed).toEqual(eventJsonSchemas()[type]);
  });

  it('states the required fields, the currency and the kinds', () => {
    const { payment, refund } = eventJsonSchemas();
    expect(payment.required).toEqual(['paymentId', 'userId', 'amount', 'kind', 'fundingAccount', 'occurredAt']);
    expect(refund.required).toEqual(['refundId', 'paymentId', 'userId', 'amount', 'occurredAt']);
    expect(JSON.stringify(payment)).toContain('"const":"EUR"');
    expect((payment.properties as Record<string, { enum?: string[] }>).kind!.enum).toEqual([
      'in_store',
      'online',
      'shop_on_the_spot',
      'p2p',
      'charity',
    ]);
  });
});
