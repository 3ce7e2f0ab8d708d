// The HTTP front door: payments and refunds over HTTP for platforms that emit events with an idempotency key rather than
// embedding a Temporal SDK. A thin layer over the same client (src/client/), so the rules, messages and guarantees are
// the client's: 202 once the server has the signal, 400 with every field error, repeats of an id harmless.
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Connection } from '@temporalio/client';
import {
  InvalidEventError,
  RefundExceedsPaymentError,
  UnknownUserError,
  type CashbackClient,
} from '../client/cashback-client.ts';
import { validateEvent } from '../domain/events.ts';
import { routeSchemas } from './schemas.ts';
import { tokenMatches } from './token.ts';

export interface IngestOptions {
  cashback: CashbackClient;
  connection: Connection;
  /** Required on /v1/*; without one the service only listens on loopback (main.ts enforces it). */
  token?: string;
  /** Largest body accepted, in bytes. */
  bodyLimit?: number;
}

function fail(reply: FastifyReply, status: number, error: string, errors?: string[]) {
  return reply.code(status).send({ error, ...(errors ? { errors } : {}) });
}

const INVALID_ARGUMENT = 3;
function isGrpcStatus(error: unknown, code: number): boolean {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return (error as { code?: unknown }).code === code || cause?.code === code;
}

/**
 * A request its route's schema refused, in the words and shape the client refuses it with. A body is worded by the
 * client's own validation of it (the same schema, with the event size limit first; the clock only matters for a body
 * the schema accepts); a user id by its schema's messages.
 */
function invalidRequest(request: FastifyRequest, context: string | undefined, messages: string[]): InvalidEventError {
  const type = request.routeOptions.url === '/v1/refunds' ? 'refund' : 'payment';
  const checked = context === 'body' ? validateEvent(type, request.body, Date.now()) : undefined;
  return new InvalidEventError(checked && !checked.ok ? checked.errors : messages);
}

/** The document's own part; the paths are generated from the routes' schemas. */
const openApi = {
  openapi: '3.1.0',
  info: {
    title: 'Seqr cashback ingestion',
    version: '1',
    description:
      'Payments and refunds into the cashback engine over HTTP, for payment platforms without a Temporal SDK.',
  },
  components: { securitySchemes: { bearer: { type: 'http' as const, scheme: 'bearer' } } },
  security: [{ bearer: [] }],
};

export function buildIngestServer(options: IngestOptions): FastifyInstance {
  // Path parameters up to 512 characters reach the route, which answers an invalid user id with 400 and its reason.
  const app = Fastify({ bodyLimit: options.bodyLimit ?? 4096, routerOptions: { maxParamLength: 512 }, logger: false });
  app.removeContentTypeParser('text/plain'); // JSON only: anything else is 415
  app.setValidatorCompiler(validatorCompiler);
  // Answers go out as the handlers built them: their types are held to the response schemas at compile time, and a
  // worker of another build that answers a status with a field more or less is still answered, not turned into a 5xx.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  void app.register(fastifySwagger, {
    openapi: openApi,
    transform: jsonSchemaTransform,
    convertConstToEnum: false, // OpenAPI 3.1 has const, and the bodies stay the contract's schemas word for word
    // The schemas are JSON Schema 2020-12 (as the contract's are): the document says so once.
    transformObject: (document) => ({
      ...('openapiObject' in document ? document.openapiObject : {}),
      jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    }),
  });

  app.setErrorHandler((thrown: Error & { statusCode?: number }, request, reply) => {
    const error = hasZodFastifySchemaValidationErrors(thrown)
      ? invalidRequest(
          request,
          thrown.validationContext,
          thrown.validation.flatMap((issue) => issue.message ?? []),
        )
      : thrown;
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

  // The schemas validate the request first; the client checks again with its clock (how far ahead an event may be).
  // In a plugin registered after the swagger one, whose route hook is what collects their schemas into the document.
  void app.register(async (scope) => {
    const routes = scope.withTypeProvider<ZodTypeProvider>();
    routes.post('/v1/payments', { schema: routeSchemas.payment }, async (request, reply) => {
      const payment = await options.cashback.recordPayment(request.body);
      return reply.code(202).send({ status: 'recorded', paymentId: payment.paymentId });
    });
    routes.post('/v1/refunds', { schema: routeSchemas.refund }, async (request, reply) => {
      const { refund, check } = await options.cashback.recordRefund(request.body);
      return reply.code(202).send({ status: 'recorded', refundId: refund.refundId, check });
    });
    routes.get('/v1/users/:userId/cashback', { schema: routeSchemas.status }, async (request) =>
      options.cashback.getStatus(request.params.userId),
    );
    routes.get('/healthz', { schema: routeSchemas.health }, async () => ({ status: 'ok' as const }));
    routes.get('/readyz', { schema: routeSchemas.ready }, async (_request, reply) => {
      try {
        await options.connection.withDeadline(Date.now() + 2_000, () => options.connection.healthService.check({}));
        return { status: 'ready' as const };
      } catch (error) {
        return fail(reply, 503, `Temporal is not reachable: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    routes.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  });
  return app;
}
