// The HTTP front door: payments and refunds over HTTP for platforms that emit events with an idempotency key rather than
// embedding a Temporal SDK. A thin layer over the same client (src/client/), so the rules, messages and guarantees are
// the client's: 202 once the server has the signal, 400 with every field error, repeats of an id harmless.
import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Connection } from '@temporalio/client';
import {
  InvalidEventError,
  RefundExceedsPaymentError,
  UnknownUserError,
  type CashbackClient,
} from '../client/cashback-client.ts';
import { openApiDocument } from './openapi.ts';

export interface IngestOptions {
  cashback: CashbackClient;
  connection: Connection;
  /** Required on /v1/*; without one the service only listens on loopback (main.ts enforces it). */
  token?: string;
  /** Largest body accepted, in bytes. */
  bodyLimit?: number;
}

/** Compares the presented token with the expected one in constant time (both hashed first, so lengths do not leak). */
function tokenMatches(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

function fail(reply: FastifyReply, status: number, error: string, errors?: string[]) {
  return reply.code(status).send({ error, ...(errors ? { errors } : {}) });
}

const INVALID_ARGUMENT = 3;
function isGrpcStatus(error: unknown, code: number): boolean {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return (error as { code?: unknown }).code === code || cause?.code === code;
}

export function buildIngestServer(options: IngestOptions): FastifyInstance {
  // Path parameters up to 512 characters reach the route, which answers an invalid user id with 400 and its reason.
  const app = Fastify({ bodyLimit: options.bodyLimit ?? 4096, maxParamLength: 512, logger: false });
  app.removeContentTypeParser('text/plain'); // JSON only: anything else is 415
  const document = openApiDocument();

  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    if (error instanceof InvalidEventError)
      // A refund above what is left of its payment is well formed but cannot apply: 422, not 400.
      return fail(reply, error instanceof RefundExceedsPaymentError ? 422 : 400, error.message, error.errors);
    if (error instanceof UnknownUserError) return fail(reply, 404, error.message);
    // Temporal refusing the request itself (gRPC INVALID_ARGUMENT, e.g. an id over its limits) is the caller's error.
    if (isGrpcStatus(error, INVALID_ARGUMENT)) return fail(reply, 400, error.message);
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 503;
    // Anything else is Temporal not answering (or a bug): the caller retries, the event is not lost.
    return fail(reply, status, status === 503 ? `Temporal is not reachable: ${error.message}` : error.message);
  });
  app.setNotFoundHandler((request, reply) => fail(reply, 404, `no route ${request.method} ${request.url}`));

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!options.token || !request.url.startsWith('/v1/')) return;
    const [scheme, presented] = (request.headers.authorization ?? '').split(' ');
    if (scheme !== 'Bearer' || !presented || !tokenMatches(presented, options.token)) {
      return fail(reply.header('www-authenticate', 'Bearer'), 401, 'a valid bearer token is required');
    }
  });

  app.post('/v1/payments', async (request, reply) => {
    const payment = await options.cashback.recordPayment(request.body);
    return reply.code(202).send({ status: 'recorded', paymentId: payment.paymentId });
  });
  app.post('/v1/refunds', async (request, reply) => {
    const { refund, check } = await options.cashback.recordRefund(request.body);
    return reply.code(202).send({ status: 'recorded', refundId: refund.refundId, check });
  });
  app.get<{ Params: { userId: string } }>('/v1/users/:userId/cashback', async (request) =>
    options.cashback.getStatus(request.params.userId),
  );
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await options.connection.withDeadline(Date.now() + 2_000, () => options.connection.healthService.check({}));
      return { status: 'ready' };
    } catch (error) {
      return fail(reply, 503, `Temporal is not reachable: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  app.get('/openapi.json', async () => document);
  return app;
}
