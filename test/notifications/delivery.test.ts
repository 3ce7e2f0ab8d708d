// Payout notifications end to end: real payouts write the outbox, the real notifier process delivers it to a real
// local HTTP receiver that fails the first attempts, and the notifier is SIGKILLed midway and started again. The
// receiver deduplicates on the notification id, as docs/finance.md tells receivers to: each payout is processed exactly once.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createPayoutActivities } from '../../src/activities/payout-activities.ts';
import { withSession } from '../../src/db/pg-session.ts';
import { NOTIFICATION_ID_HEADER, SIGNATURE_HEADER, verifySignature } from '../../src/notifications/signature.ts';
import { inActivity, ownDatabase } from '../support/books.ts';
import { eventually } from '../support/harness.ts';
import { runCli, startNotifierProcess } from '../../tools/infra/worker-process.ts';

const PAYOUTS = 30;
const SECRET = 'test-secret-of-the-webhook';
const database = ownDatabase();

/** A webhook receiver: fails each id's first `failures` requests with 500, answers slowly, deduplicates on the id. */
function startReceiver(failures: number) {
  const requests = new Map<string, string[]>();
  const processed = new Map<string, number>();
  let badSignatures = 0;
  let duplicates = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const id = String(req.headers[NOTIFICATION_ID_HEADER]);
      const seen = requests.get(id) ?? [];
      requests.set(id, [...seen, body]);
      if (!verifySignature(SECRET, req.headers[SIGNATURE_HEADER] as string | undefined, body)) {
        badSignatures++;
        return void res.writeHead(401).end();
      }
      if (seen.length < failures) return void res.writeHead(500).end('not yet');
      // Slow enough that a kill catches requests in flight.
      setTimeout(() => {
        if (processed.has(id)) duplicates++;
        else processed.set(id, JSON.parse(body).amount.cents);
        res.writeHead(204).end();
      }, 150);
    });
  });
  return new Promise<{
    url: string;
    requests: typeof requests;
    processed: typeof processed;
    stats: () => { badSignatures: number; duplicates: number };
    close: () => Promise<void>;
  }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/seqr/payouts`,
        requests,
        processed,
        stats: () => ({ badSignatures, duplicates }),
        close: () => new Promise((done) => server.close(() => done())),
      }),
    ),
  );
}

const waiting = (databaseUrl: string) =>
  withSession(databaseUrl, async (db) =>
    Number((await db.query('select count(*) from payout_notification where delivered_at is null')).rows[0].count),
  );

describe('payout notifications', () => {
  it('each payout is notified exactly once though the receiver fails the first attempts and the notifier is killed', async () => {
    const activities = createPayoutActivities(database.orm);
    const payouts = Array.from({ length: PAYOUTS }, (_, i) => ({
      userId: `notify-${i}`,
      quarter: '2027-Q1',
      amountCents: 100 + i,
    }));
    for (const payout of payouts) await inActivity(() => activities.creditSeqrAccount(payout));
    // A retried credit writes no second row.
    await inActivity(() => activities.creditSeqrAccount(payouts[0]!));

    // No webhook yet: everything waits in the outbox, and the CLI lists it.
    const listed = await runCli(['notifications', '--json'], { DATABASE_URL: database.url });
    expect(listed.code, listed.stderr).toBe(0);
    const outbox = JSON.parse(listed.stdout);
    expect(outbox).toMatchObject({ waiting: PAYOUTS, delivered: 0 });
    expect(outbox.notifications[0]).toMatchObject({ id: 'cashback:notify-0:2027-Q1', amountCents: 100, attempts: 0 });

    const receiver = await startReceiver(2);
    const env = {
      DATABASE_URL: database.url,
      NOTIFY_WEBHOOK_URL: receiver.url,
      NOTIFY_WEBHOOK_SECRET: SECRET,
      NOTIFY_RETRY_BASE_MS: '100',
      NOTIFY_RETRY_MAX_MS: '500',
      NOTIFY_TIMEOUT_MS: '2000',
      // Small batches, so that the kill finds work left and requests in flight.
      NOTIFY_BATCH_SIZE: '3',
    };
    try {
      let notifier = await startNotifierProcess(env);
      await eventually(async () => (receiver.processed.size >= 5 ? true : undefined), 'the first deliveries', 30_000);
      notifier.child.kill('SIGKILL');
      expect((await notifier.exited).signal).toBe('SIGKILL');
      const processedAtKill = receiver.processed.size;
      expect(processedAtKill).toBeLessThan(PAYOUTS);

      notifier = await startNotifierProcess(env);
      await eventually(async () => ((await waiting(database.url)) === 0 ? true : undefined), 'every delivery', 60_000);
      await notifier.stop('SIGTERM');

      expect(receiver.stats().badSignatures).toBe(0);
      expect(new Map([...receiver.processed].sort())).toEqual(
        new Map(payouts.map((p) => [`cashback:${p.userId}:${p.quarter}`, p.amountCents] as const).sort()),
      );
      // Every request for an id carried the same body: deduplicating on the id is safe.
      for (const bodies of receiver.requests.values()) expect(new Set(bodies).size).toBe(1);
      for (const bodies of receiver.requests.values()) expect(bodies.length).toBeGreaterThanOrEqual(3);
      const delivered = JSON.parse(
        (await runCli(['notifications', '--json', '--all'], { DATABASE_URL: database.url })).stdout,
      );
      expect(delivered).toMatchObject({ waiting: 0, delivered: PAYOUTS });
      console.log(
        `notifications: ${PAYOUTS} payouts, ${[...receiver.requests.values()].flat().length} requests ` +
          `(2 refused per payout), notifier SIGKILLed after ${processedAtKill} processed; ` +
          `${receiver.stats().duplicates} duplicate deliveries dropped by the receiver's id check`,
      );
    } finally {
      await receiver.close();
    }
  }, 120_000);

  it('refuses a webhook without a secret, and a malformed URL, with a clear message', async () => {
    const notifier = await startNotifierProcess({
      DATABASE_URL: database.url,
      NOTIFY_WEBHOOK_URL: 'http://127.0.0.1:9/hook',
    }).catch((error: Error) => error);
    expect(String(notifier)).toMatch(/NOTIFY_WEBHOOK_SECRET is required/);
    const badUrl = await startNotifierProcess({ DATABASE_URL: database.url, NOTIFY_WEBHOOK_URL: 'ftp://x' }).catch(
      (error: Error) => error,
    );
    expect(String(badUrl)).toMatch(/NOTIFY_WEBHOOK_URL must be an http\(s\) URL/);
  });
});
