// The OpenAPI document is generated from the routes' schemas: its request bodies are the producer contract's, its
// status answer lists every field of the status, and a refused request is answered in the client's words.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CashbackClient } from '../../src/client/cashback-client.ts';
import { eventJsonSchemas } from '../../src/contract/event-schemas.ts';
import { eventTypes, MAX_EVENT_BYTES, validateEvent } from '../../src/domain/events.ts';
import { initialState } from '../../src/domain/state.ts';
import { statusOf } from '../../src/domain/status.ts';
import { buildIngestServer } from '../../src/http/server.ts';

type Schema = { properties: Record<string, unknown>; required?: string[] };
type Operation = {
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
};
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

const NOW = Date.parse('2027-02-10T12:00:00Z');
// No request here reaches the client: the routes' schemas refuse them first.
const unreachable = () => {
  throw new Error('the request reached the client');
};
const cashback = { recordPayment: unreachable, recordRefund: unreachable, getStatus: unreachable };

let app: FastifyInstance;
let document: Document;
beforeAll(async () => {
  app = buildIngestServer({ cashback: cashback as unknown as CashbackClient, connection: {} as never });
  document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<Document>();
});
afterAll(async () => {
  await app.close();
});

const json = (operation: Operation | undefined, code?: string) =>
  (code ? operation?.responses[code] : operation?.requestBody)?.content?.['application/json']?.schema;

describe('OpenAPI document', () => {
  it('documents every route with its answers and error codes, and not itself', () => {
    const codes = Object.fromEntries(
      Object.entries(document.paths).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => [`${method} ${path}`, Object.keys(operation.responses)]),
      ),
    );
    expect(document.openapi).toBe('3.1.0');
    expect(codes).toEqual({
      'post /v1/payments': ['202', '400', '401', '413', '415', '503'],
      'post /v1/refunds': ['202', '400', '401', '413', '415', '422', '503'],
      'get /v1/users/{userId}/cashback': ['200', '400', '401', '404', '503'],
      'get /healthz': ['200'],
      'get /readyz': ['200', '503'],
    });
  });

  it.each(eventTypes)("the %s body is the producer contract's JSON Schema", (type) => {
    const { $id: _id, $schema: _dialect, title: _title, description: _about, ...contract } = eventJsonSchemas()[type];
    expect(json(document.paths[`/v1/${type}s`]?.post)).toEqual(contract);
  });

  it('the status answer lists every field of the status', () => {
    const status = json(document.paths['/v1/users/{userId}/cashback']?.get, '200');
    const fields = Object.keys(statusOf(initialState('openapi-user', NOW), NOW));
    expect(fields).toHaveLength(12);
    expect(Object.keys(status!.properties).sort()).toEqual(fields.sort());
  });
});

describe('requests the schemas refuse', () => {
  it('a bad body: 400 with every field error, as the client words them', async () => {
    const bad = { paymentId: 'p-1', amount: { cents: -5, currency: 'SEK' }, kind: 'lottery' };
    const expected = validateEvent('payment', bad, NOW);
    const response = await app.inject({ method: 'POST', url: '/v1/payments', payload: bad });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: `invalid event: ${expected.ok ? '' : expected.errors.join('; ')}`,
      errors: expected.ok ? [] : expected.errors,
    });
  });

  it("an oversized bad body: the client's size limit comes first", async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/refunds',
      payload: { refundId: 'r-1', note: 'x'.repeat(MAX_EVENT_BYTES) },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ errors: string[] }>().errors).toEqual([
      expect.stringMatching(new RegExp(`^event is \\d+ bytes; at most ${MAX_EVENT_BYTES} are accepted$`)),
    ]);
  });

  it("a bad user id: 400 with the user id's errors", async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/users/no%20spaces/cashback' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: 'invalid event: userId may contain only letters, digits and _ . : @ -',
      errors: ['userId may contain only letters, digits and _ . : @ -'],
    });
  });
});
