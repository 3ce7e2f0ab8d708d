// The HTTP front door, with real HTTP requests: on Temporal's time-skipping server with the real worker and ledger, so
// that the seed example can be sent over HTTP month by month and paid.
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { run } from '../../tools/infra/run-command.ts';
import { describe, expect, it } from 'vitest';
import { validateEvent } from '../../src/domain/events.ts';
import { cashbackStatusSchema } from '../../src/http/schemas.ts';
import { buildIngestServer } from '../../src/http/server.ts';
import { eventually, payment, refund, splitCents, withHarness, type Harness } from '../support/harness.ts';

const TOKEN = 'test-token-0123456789';

async function listening(h: Harness, token?: string): Promise<{ app: FastifyInstance; url: string }> {
  const app = buildIngestServer({ cashback: h.cashback, connection: h.env.connection, ...(token ? { token } : {}) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}` };
}

async function body(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('HTTP ingestion', () => {
  it('pays the worked example, €14.00, for payments sent over HTTP', async () => {
    await withHarness(async (h) => {
      const { app, url } = await listening(h, TOKEN);
      try {
        const user = h.newUser('http-seed');
        const months: [string, number, number][] = [
          ['2083-01-15T12:00:00+01:00', 1, 10_000],
          ['2083-02-15T12:00:00+01:00', 12, 20_000],
          ['2083-03-15T12:00:00+01:00', 22, 30_000],
        ];
        for (const [at, count, total] of months) {
          await h.advanceTo(at);
          for (const cents of splitCents(total, count)) {
            const response = await post(`${url}/v1/payments`, payment(user, cents, at));
            expect(response.status).toBe(202);
          }
        }
        await h.advanceTo('2083-04-05T00:00:00+02:00');
        const ledger = await eventually(async () => {
          const l = await h.ledger(user);
          return l.length ? l : undefined;
        }, 'the Q1 credit');
        expect(ledger).toEqual([{ idempotencyKey: `cashback:${user}:2083-Q1`, quarter: '2083-Q1', amountCents: 1400 }]);
        const status = await fetch(`${url}/v1/users/${user}/cashback`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        });
        expect(status.status).toBe(200);
        const answer: unknown = await status.json();
        expect(answer).toMatchObject({ userId: user, lastPaidQuarter: '2083-Q1', payoutStatus: 'paid' });
        // Every field is the documented one: parsing strips what the schema does not know.
        expect(cashbackStatusSchema.parse(answer)).toEqual(answer);
      } finally {
        await app.close();
      }
    });
  });

  it('answers as HTTP users expect: 202, 400 with every field error, 401, 404, 413, 415, 422; repeats are harmless', async () => {
    await withHarness(async (h) => {
      const { app, url } = await listening(h, TOKEN);
      try {
        await h.advanceTo('2083-01-10T12:00:00+01:00');
        const user = h.newUser('http-codes');
        const good = payment(user, 5_000, '2083-01-10T12:00:00+01:00');
        for (let i = 0; i < 2; i++) {
          const response = await post(`${url}/v1/payments`, good);
          expect(response.status).toBe(202);
          expect(await response.json()).toEqual({ status: 'recorded', paymentId: good.paymentId });
        }
        const bad = { ...good, amount: { cents: -5, currency: 'SEK' }, kind: 'lottery' };
        const rejected = await post(`${url}/v1/payments`, bad);
        expect(rejected.status).toBe(400);
        const expected = validateEvent('payment', bad, Date.parse('2083-01-10T12:00:00+01:00'));
        expect((await body(rejected)).errors).toEqual(expected.ok ? [] : expected.errors); // the client's words
        expect((await post(`${url}/v1/payments`, '{"not json')).status).toBe(400);
        expect((await post(`${url}/v1/payments`, good, { authorization: 'Bearer wrong' })).status).toBe(401);
        expect((await post(`${url}/v1/payments`, good, { authorization: '' })).status).toBe(401);
        expect((await post(`${url}/v1/payments`, { ...good, pad: 'x'.repeat(10_000) })).status).toBe(413);
        expect((await post(`${url}/v1/payments`, 'paymentId=1', { 'content-type': 'text/plain' })).status).toBe(415);
        const status = await eventually(async () => {
          const s = await h.cashback.getStatus(user);
          return s.counters.duplicates === 1 ? s : undefined;
        }, 'the repeat counted as a duplicate');
        expect(status.counters.payments).toBe(1);
        const excess = await post(
          `${url}/v1/refunds`,
          refund(user, good.paymentId, 6_000, '2083-01-10T12:00:00+01:00'),
        );
        expect(excess.status).toBe(422);
        expect((await body(excess)).error).toMatch(/exceeds the 5000 cents left/);
        const held = await post(`${url}/v1/refunds`, refund(user, 'not-yet', 100, '2083-01-10T12:00:00+01:00'));
        expect([held.status, (await body(held)).check]).toEqual([202, 'held']);
        const nobody = await fetch(`${url}/v1/users/nobody/cashback`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        });
        expect(nobody.status).toBe(404);
        const badId = `${url}/v1/users/${encodeURIComponent('é'.repeat(200))}/cashback`;
        expect((await fetch(badId, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(400);
        expect((await fetch(`${url}/healthz`)).status).toBe(200);
        expect((await fetch(`${url}/readyz`)).status).toBe(200);
        const openapi = await (await fetch(`${url}/openapi.json`)).json();
        expect(openapi).toMatchObject({ openapi: '3.1.0', paths: { '/v1/payments': {}, '/v1/refunds': {} } });
      } finally {
        await app.close();
      }
    });
  });

  it('refuses to start without a token unless bound to loopback', async () => {
    const main = fileURLToPath(new URL('../../src/bin/ingest.ts', import.meta.url));
    const result = await run(process.execPath, [main], {
      env: { ...process.env, INGEST_HOST: '0.0.0.0', INGEST_TOKEN: '' },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(result).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('INGEST_TOKEN is required to listen on 0.0.0.0'),
    });
  });
});
