// The codec server: the Temporal UI and CLI send it payloads as they are stored (encrypted) and get them back decoded,
// with the key ring of our processes, so that a person reads histories without the keys leaving this server. The
// protocol is Temporal's: POST /encode and /decode with {"payloads": [...]}, each payload in proto3 JSON (bytes as
// base64). Every namespace shares one key ring, so X-Namespace is not read.
import cors from '@fastify/cors';
import type { Payload, PayloadCodec } from '@temporalio/common';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { tokenMatches } from '../http/token.ts';

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** Required on /encode and /decode, as a bearer token or the cookie /login sets; unset: open (loopback only). */
  token?: string;
  /** Origins of the Temporal UIs whose browsers may call us (CORS); none: the CLI only. */
  corsOrigins: string[];
  /** Largest body accepted, in bytes. */
  bodyLimit?: number;
}

/** The cookie /login sets, for the browser UI: it can send cookies, not a bearer token of its own. */
export const CODEC_COOKIE = 'seqr_codec';
/** The UI decodes a whole history's payloads in a few requests. */
const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;
/** A pasted token, with room to spare. */
const LOGIN_BODY_LIMIT = 4096;

// proto3 JSON writes bytes as base64, standard or URL-safe, padded or not; Buffer reads them all.
const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');
const payloadJson = z.object({ metadata: z.record(z.string(), base64).nullish(), data: base64.nullish() });
const payloadsBody = z.object({ payloads: z.array(payloadJson) });
type PayloadJson = z.infer<typeof payloadJson>;

function fromJson({ metadata, data }: PayloadJson): Payload {
  return {
    metadata: Object.fromEntries(
      Object.entries(metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
    ),
    data: Buffer.from(data ?? '', 'base64'),
  };
}

// protobufjs decodes an absent bytes field as a plain empty array, which Buffer.from reads too.
const base64Of = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

function toJson({ metadata, data }: Payload): { metadata: Record<string, string>; data: string } {
  return {
    metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([key, value]) => [key, base64Of(value)])),
    data: base64Of(data ?? new Uint8Array()),
  };
}

function fail(reply: FastifyReply, status: number, error: string) {
  return reply.code(status).send({ error });
}

/** The body's payloads, or the reasons it is not a codec request (the first few: a history can be long). */
function payloadsOf(body: unknown): { payloads: Payload[] } | { error: string } {
  const parsed = payloadsBody.safeParse(body);
  if (parsed.success) return { payloads: parsed.data.payloads.map(fromJson) };
  const issues = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
  return { error: `the body must be {"payloads": [{"metadata": {...}, "data": "<base64>"}]}: ${issues.join('; ')}` };
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Whether the request carries the token, as a bearer token or as our cookie; every candidate is compared. */
function authorized(request: FastifyRequest, token: string): boolean {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
  const cookie = cookieValue(request.headers.cookie, CODEC_COOKIE);
  const matches = [bearer, cookie].map((presented) => presented !== undefined && tokenMatches(presented, token));
  return matches.includes(true);
}

const pageHeaders = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  // Inline styles only, no scripts, not framed, and the form posts only back here.
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.5; }
input { width: 100%; padding: .5rem; margin: .5rem 0 1rem; box-sizing: border-box; font: inherit; }
button { padding: .5rem 1.5rem; font: inherit; }
.error { color: #b00020; }
</style>
</head>
<body>
<h1>${title}</h1>
${body}
</body>
</html>
`;
}

const loginForm = `<form method="post" action="login">
<label for="token">Token (CODEC_TOKEN)</label>
<input id="token" name="token" type="password" autocomplete="off" required autofocus>
<button type="submit">Sign in</button>
</form>`;

const loginPage = page(
  'Seqr codec server',
  `<p>Paste the codec server's token: this browser then keeps it in a cookie, and the Temporal UI decodes payloads with it.</p>
${loginForm}`,
);
const wrongTokenPage = page('Seqr codec server', `<p class="error">That is not the token.</p>\n${loginForm}`);
const signedInPage = page(
  'Signed in',
  `<p>The Temporal UI can now decode payloads in this browser (its codec endpoint must send credentials:
<code>codec.includeCredentials</code>, or <code>TEMPORAL_CODEC_INCLUDE_CREDENTIALS=true</code>).</p>`,
);

export function buildCodecServer(options: CodecServerOptions): FastifyInstance {
  const app = Fastify({ bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT, logger: false });
  // JSON only: a cross-site form or text/plain post (no preflight) gets 415, never the codec.
  app.removeContentTypeParser('text/plain');
  void app.register(cors, {
    origin: options.corsOrigins,
    credentials: true,
    methods: ['POST'],
    allowedHeaders: ['content-type', 'x-namespace', 'authorization'],
    maxAge: 600,
  });

  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    // Fastify's own refusals (not JSON, too large, wrong content type) keep their status and message.
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500)
      return fail(reply, error.statusCode, error.message);
    return fail(reply, 500, `the codec server failed: ${error.message}`);
  });
  app.setNotFoundHandler((request, reply) => fail(reply, 404, `no route ${request.method} ${request.url}`));

  app.get('/healthz', async () => ({ status: 'ok' }));

  const { token } = options;
  const requireToken = async (request: FastifyRequest, reply: FastifyReply) => {
    if (token && !authorized(request, token))
      return fail(
        reply.header('www-authenticate', 'Bearer'),
        401,
        `a valid bearer token, or the ${CODEC_COOKIE} cookie that /login sets, is required`,
      );
  };

  app.post('/decode', { onRequest: requireToken }, async (request, reply) => {
    const read = payloadsOf(request.body);
    if ('error' in read) return fail(reply, 400, read.error);
    let decoded: Payload[];
    try {
      decoded = await options.codec.decode(read.payloads);
    } catch (error) {
      // The codec's message names the key, never the content.
      return fail(reply, 422, error instanceof Error ? error.message : String(error));
    }
    return { payloads: decoded.map(toJson) };
  });

  app.post('/encode', { onRequest: requireToken }, async (request, reply) => {
    const read = payloadsOf(request.body);
    if ('error' in read) return fail(reply, 400, read.error);
    return { payloads: (await options.codec.encode(read.payloads)).map(toJson) };
  });

  void app.register(async (login) => {
    login.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: LOGIN_BODY_LIMIT },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
    if (!token) {
      const open = async (_request: FastifyRequest, reply: FastifyReply) =>
        fail(reply, 404, 'no CODEC_TOKEN is set: the codec server needs no sign-in');
      login.get('/login', open);
      login.post('/login', open);
      return;
    }
    login.get('/login', async (_request, reply) => reply.headers(pageHeaders).send(loginPage));
    login.post('/login', async (request, reply) => {
      const presented = (request.body as Record<string, unknown> | undefined)?.token;
      if (typeof presented !== 'string' || !tokenMatches(presented.trim(), token))
        return reply.code(401).headers(pageHeaders).send(wrongTokenPage);
      // Secure over https, also behind a proxy that says so: a spoofed header can only make the cookie stricter.
      const https = request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https';
      const cookie = `${CODEC_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/${https ? '; Secure' : ''}`;
      return reply.headers(pageHeaders).header('set-cookie', cookie).send(signedInPage);
    });
  });
  return app;
}
