// The codec server over real HTTP, with the real codec and a fresh key ring: what the Temporal UI and CLI send it, and
// the process itself, started as `npm run codec` starts it.
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCodecServer } from '../../src/codec/codec-server.ts';
import { EncryptionCodec } from '../../src/codec/encryption-codec.ts';
import { keyRingOf, newKey, parseKeyList } from '../../src/codec/key-ring.ts';
import { startProcess } from '../../tools/infra/processes.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const TOKEN = 'codec-test-token-0123456789';
const UI = 'http://localhost:8233';
const bearer = { authorization: `Bearer ${TOKEN}` };

interface PayloadJson {
  metadata: Record<string, string>;
  data: string;
}
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const toJson = (payload: Payload): PayloadJson => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, base64(v)])),
  data: base64(payload.data ?? new Uint8Array()),
});
const text = (encoded: string) => Buffer.from(encoded, 'base64').toString();

const keys = `k1:${newKey()}`;
const codec = new EncryptionCodec(parseKeyList(keys, undefined));
const samples: Payload[] = [
  defaultPayloadConverter.toPayload({ userId: 'u-1', amount: { cents: 12_345, currency: 'EUR' } }),
  defaultPayloadConverter.toPayload('ünïcode ✓'),
  defaultPayloadConverter.toPayload(new Uint8Array([0, 1, 2, 254, 255])),
  defaultPayloadConverter.toPayload(undefined),
];

let app: FastifyInstance;
let url: string;

async function listening(server: FastifyInstance): Promise<string> {
  await server.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(server.server.address() as { port: number }).port}`;
}

function post(path: string, body: unknown, headers: Record<string, string> = bearer, base = url) {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function payloadsOf(response: Response): Promise<PayloadJson[]> {
  expect(response.status).toBe(200);
  return ((await response.json()) as { payloads: PayloadJson[] }).payloads;
}

beforeAll(async () => {
  app = buildCodecServer({ codec, token: TOKEN, corsOrigins: [UI, 'http://127.0.0.1:8233'] });
  url = await listening(app);
});
afterAll(() => app.close());

describe('the codec server', () => {
  it('encodes and decodes: each payload back with the same metadata and data bytes', async () => {
    const encoded = await payloadsOf(await post('/encode', { payloads: samples.map(toJson) }));
    expect(encoded).toHaveLength(samples.length);
    for (const payload of encoded) {
      expect(text(payload.metadata.encoding!)).toBe('binary/encrypted');
      expect(text(payload.metadata['encryption-key-id']!)).toBe('k1');
    }
    // What the workers stored decodes too: the server's codec is theirs.
    const stored = (await codec.encode(samples)).map(toJson);
    for (const batch of [encoded, stored]) {
      const decoded = await payloadsOf(await post('/decode', { payloads: batch }));
      expect(decoded).toEqual(samples.map(toJson));
      expect(decoded.map((p) => Buffer.from(p.data, 'base64'))).toEqual(samples.map((p) => Buffer.from(p.data ?? [])));
    }
    expect(await payloadsOf(await post('/decode', { payloads: [] }))).toEqual([]);
  });

  it('passes an unencrypted payload through decode, and reads proto3 JSON without padding or empty fields', async () => {
    const plain = toJson(samples[0]!);
    expect(await payloadsOf(await post('/decode', { payloads: [plain] }))).toEqual([plain]);
    const unpadded = { metadata: { encoding: base64(Buffer.from('json/plain')).replace(/=+$/, '') }, data: 'IjEi' };
    expect(await payloadsOf(await post('/decode', { payloads: [unpadded, {}] }))).toEqual([
      { metadata: { encoding: base64(Buffer.from('json/plain')) }, data: 'IjEi' },
      { metadata: {}, data: '' },
    ]);
  });

  it('wants the token, as a bearer token or the cookie; /healthz does not', async () => {
    const body = { payloads: [toJson(samples[0]!)] };
    const refused = await post('/decode', body, {});
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await refused.json()) as { error: string }).error).toMatch(/bearer token.*seqr_codec cookie/);
    expect((await post('/decode', body, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post('/encode', body, { authorization: TOKEN })).status).toBe(401);
    expect((await post('/decode', body, { cookie: 'seqr_codec=wrong' })).status).toBe(401);
    expect((await post('/decode', body, { cookie: `other=${TOKEN}` })).status).toBe(401);
    expect((await post('/decode', body)).status).toBe(200);
    expect((await post('/decode', body, { cookie: `theme=dark; seqr_codec=${TOKEN}` })).status).toBe(200);
    expect((await post('/encode', body, { cookie: `seqr_codec=${TOKEN}` })).status).toBe(200);
    const health = await fetch(`${url}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
  });

  it('signs a browser in at /login: an HttpOnly, SameSite=Strict cookie for the right token, 401 for a wrong one', async () => {
    const form = await fetch(`${url}/login`);
    expect(form.status).toBe(200);
    expect(form.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await form.text();
    expect(html).toMatch(/<form method="post" action="login">/);
    expect(html).not.toMatch(/<script|<link|src=/);
    const login = (token: string, headers: Record<string, string> = {}) =>
      fetch(`${url}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams({ token }).toString(),
      });

    const signedIn = await login(`${TOKEN}\n`);
    expect(signedIn.status).toBe(200);
    expect(await signedIn.text()).toMatch(/the Temporal UI can now decode payloads/i);
    const [cookie, ...more] = signedIn.headers.getSetCookie();
    expect(more).toEqual([]);
    const attributes = cookie!.split(';').map((part) => part.trim());
    expect(attributes).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/']));
    expect(attributes).not.toContain('Secure');
    // The browser sends back name=value.
    expect((await post('/decode', { payloads: [] }, { cookie: attributes[0]! })).status).toBe(200);
    const behindTls = await login(TOKEN, { 'x-forwarded-proto': 'https' });
    expect(behindTls.headers.getSetCookie()[0]).toMatch(/; Secure$/);

    for (const wrong of ['wrong', '', TOKEN.slice(0, -1)]) {
      const refused = await login(wrong);
      expect(refused.status).toBe(401);
      expect(refused.headers.getSetCookie()).toEqual([]);
      expect(await refused.text()).toMatch(/not the token/);
    }
  });

  it("answers the UI's CORS preflight for its origins only, credentials allowed", async () => {
    const preflight = (origin: string) =>
      fetch(`${url}/decode`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace,authorization',
        },
      });
    const allowed = await preflight(UI);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(UI);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    expect(allowed.headers.get('access-control-allow-methods')).toBe('POST');
    expect(allowed.headers.get('access-control-allow-headers')?.split(/,\s*/).sort()).toEqual([
      'authorization',
      'content-type',
      'x-namespace',
    ]);
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    // The call itself, with the cookie, as the UI sends it; its origin again.
    const call = await post('/decode', { payloads: [] }, { origin: UI, cookie: `seqr_codec=${TOKEN}` });
    expect(call.status).toBe(200);
    expect(call.headers.get('access-control-allow-origin')).toBe(UI);
    // A 401 carries the headers too, so the UI can read why.
    const refused = await post('/decode', { payloads: [] }, { origin: UI });
    expect([refused.status, refused.headers.get('access-control-allow-origin')]).toEqual([401, UI]);
  });

  it('answers 422 with the codec message for a payload it cannot decode, never its content', async () => {
    const other = new EncryptionCodec(keyRingOf('k-elsewhere', { 'k-elsewhere': newKey() }, 'test'));
    const secret = defaultPayloadConverter.toPayload({ card: '4111 1111 1111 1111' });
    const unknown = await post('/decode', {
      payloads: [toJson(samples[0]!), ...(await other.encode([secret])).map(toJson)],
    });
    expect(unknown.status).toBe(422);
    expect(await unknown.json()).toEqual({
      error: 'a payload is encrypted under key "k-elsewhere", which is not in this process\'s key ring',
    });

    const [ours] = (await codec.encode([secret])).map(toJson);
    const bytes = Buffer.from(ours!.data, 'base64');
    bytes[20] = bytes[20]! ^ 1;
    const altered = await post('/decode', { payloads: [{ ...ours, data: bytes.toString('base64') }] });
    expect(altered.status).toBe(422);
    const message = ((await altered.json()) as { error: string }).error;
    expect(message).toMatch(/under key "k1" does not authenticate/);
    expect(message).not.toMatch(/4111/);
  });

  it('answers 400 for a body that is not a codec request, 415 for one that is not JSON', async () => {
    const cases: [unknown, RegExp][] = [
      ['{"payloads": [', /not valid JSON/],
      [{}, /payloads: .*expected array/],
      [{ payloads: {} }, /payloads: .*expected array/],
      [{ payloads: [{ data: 'not base64!' }] }, /payloads\.0\.data: must be base64/],
      [{ payloads: [{ metadata: { encoding: 7 } }] }, /payloads\.0\.metadata\.encoding: /],
      [[], /body: /],
    ];
    for (const [body, reason] of cases) {
      const response = await post('/decode', body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(reason);
    }
    expect((await post('/encode', { payloads: [{ data: '%%%' }] })).status).toBe(400);
    expect((await post('/decode', '{}', { ...bearer, 'content-type': 'text/plain' })).status).toBe(415);
    expect(
      (await post('/decode', 'payloads=1', { ...bearer, 'content-type': 'application/x-www-form-urlencoded' })).status,
    ).toBe(415);
  });

  it('without a token: open, and no /login', async () => {
    const open = buildCodecServer({ codec, corsOrigins: [] });
    const base = await listening(open);
    try {
      expect((await post('/decode', { payloads: [] }, {}, base)).status).toBe(200);
      expect((await fetch(`${base}/login`)).status).toBe(404);
      expect((await fetch(`${base}/login`, { method: 'POST' })).status).toBe(404);
      const preflight = await fetch(`${base}/decode`, {
        method: 'OPTIONS',
        headers: { origin: UI, 'access-control-request-method': 'POST' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await open.close();
    }
  });
});

describe('npm run codec', () => {
  const start = (env: Record<string, string>) =>
    startProcess({
      name: 'codec-server',
      command: process.execPath,
      args: [`${root}src/bin/codec-server.ts`],
      cwd: root,
      env: {
        ...process.env,
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'INFO',
        PAYLOAD_ENCRYPTION: 'on',
        PAYLOAD_KEYS: keys,
        PAYLOAD_KEY_FILE: '',
        PAYLOAD_ACTIVE_KEY_ID: '',
        CODEC_TOKEN: '',
        CODEC_CORS_ORIGINS: '',
        CODEC_PORT: '0',
        ...env,
      },
      ready: /codec server: http:\/\/127\.0\.0\.1:\d+/,
      timeoutMs: 30_000,
    });

  it('refuses, in one line, to listen beyond loopback without CODEC_TOKEN, or with encryption off', async () => {
    const refusals: [Record<string, string>, string][] = [
      [
        { CODEC_HOST: '0.0.0.0' },
        'codec-server failed: CODEC_TOKEN is required to listen on 0.0.0.0: without a token only loopback is safe',
      ],
      [
        { CODEC_HOST: '127.0.0.1', PAYLOAD_ENCRYPTION: 'off', PAYLOAD_KEYS: '' },
        'codec-server failed: PAYLOAD_ENCRYPTION is off: payloads go in clear, and there is nothing to decode',
      ],
    ];
    for (const [env, line] of refusals) {
      const failure = await start(env).then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      expect(failure?.message).toMatch(/^codec-server exited \(1\) before it was ready:\n/);
      expect(failure!.message.split('\n').slice(1).filter(Boolean)).toEqual([line]);
    }
  });

  it('listens on loopback with PAYLOAD_KEYS, says where, answers /healthz and decodes, and stops on SIGTERM', async () => {
    const server = await start({ CODEC_HOST: '127.0.0.1' });
    try {
      const base = /codec server: (http:\/\/127\.0\.0\.1:\d+)/.exec(server.output())![1]!;
      expect(server.output()).toMatch(/codec server: http:\/\/127\.0\.0\.1:\d+ \(no token: loopback only/);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const stored = (await codec.encode(samples)).map(toJson);
      expect(await payloadsOf(await post('/decode', { payloads: stored }, {}, base))).toEqual(samples.map(toJson));
    } finally {
      await server.stop('SIGTERM');
    }
    expect(await server.exited).toEqual({ code: 0, signal: null });
  });
});
