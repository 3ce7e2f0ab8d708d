// OpenAPI 3.1 of the HTTP front door. Request bodies are the producer contract's JSON Schemas, generated from the same zod
// schemas as the client's validation; OpenAPI 3.1 takes JSON Schema 2020-12 as it is.
import { z } from 'zod';
import { eventJsonSchemas } from '../contract/event-schemas.ts';
import { eventSchemas } from '../domain/events.ts';

/** The path's user id: the same rule as the events' (the document declares its JSON Schema dialect once). */
const { $schema: _dialect, ...userIdParameter } = z.toJSONSchema(eventSchemas().userId) as Record<string, unknown>;

const errorBody = {
  type: 'object',
  required: ['error'],
  properties: {
    error: { type: 'string' },
    errors: { type: 'array', items: { type: 'string' }, description: 'every field error, as the client words it' },
  },
};

const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((code) => [String(code), { description: ERROR_TEXT[code]!, ...json(errorBody) }]));
const ERROR_TEXT: Record<number, string> = {
  400: 'not a valid event (or user id): every field error is listed',
  401: 'a bearer token is required (Authorization: Bearer <INGEST_TOKEN>)',
  404: 'no such user (no event received yet)',
  413: 'the body is larger than the limit',
  415: 'the body must be application/json',
  422: 'a valid event that cannot apply: a refund above what is left of its payment',
  503: 'Temporal is not reachable right now: retry',
};

function eventPath(type: 'payment' | 'refund', idField: string) {
  const schema = eventJsonSchemas()[type];
  delete schema.$schema; // the OpenAPI document declares its dialect once
  return {
    post: {
      operationId: `record${type[0]!.toUpperCase()}${type.slice(1)}`,
      summary: `Record a ${type} (durable once answered 202; repeats of the same ${idField} are harmless)`,
      requestBody: { required: true, ...json(schema) },
      responses: {
        '202': {
          description: `recorded: the ${type} is durable in Temporal`,
          ...json({
            type: 'object',
            required: ['status', idField],
            properties: {
              status: { const: 'recorded' },
              [idField]: { type: 'string' },
              ...(type === 'refund' ? { check: { enum: ['checked', 'held', 'unchecked'] } } : {}),
            },
          }),
        },
        ...errors(400, 401, 413, 415, ...(type === 'refund' ? [422] : []), 503),
      },
    },
  };
}

export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Seqr cashback ingestion',
      version: '1',
      description:
        'Payments and refunds into the cashback engine over HTTP, for payment platforms without a Temporal SDK.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths: {
      '/v1/payments': eventPath('payment', 'paymentId'),
      '/v1/refunds': eventPath('refund', 'refundId'),
      '/v1/users/{userId}/cashback': {
        get: {
          operationId: 'getCashback',
          summary: "A user's cashback status: this month, tier, open quarter, payouts, held refunds, rejections",
          parameters: [{ name: 'userId', in: 'path', required: true, schema: userIdParameter }],
          responses: {
            '200': {
              description: 'the status',
              ...json({
                type: 'object',
                required: ['userId', 'currentMonth', 'openQuarter', 'payoutStatus', 'counters', 'heldRefunds'],
                properties: {
                  userId: { type: 'string' },
                  payoutStatus: { enum: ['failed', 'pending', 'paid', 'none'] },
                },
              }),
            },
            ...errors(400, 401, 404, 503),
          },
        },
      },
      '/healthz': {
        get: {
          operationId: 'health',
          security: [],
          summary: 'the process is up',
          responses: { '200': { description: 'up', ...json({ type: 'object' }) } },
        },
      },
      '/readyz': {
        get: {
          operationId: 'ready',
          security: [],
          summary: 'Temporal is reachable',
          responses: { '200': { description: 'ready', ...json({ type: 'object' }) }, ...errors(503) },
        },
      },
    },
  };
}
