// Sends the outbox to the webhook: signed, retried with exponential backoff and jitter, marked delivered only on a 2xx.
import type pg from 'pg';
import { DEFAULT_NOTIFY_BATCH_SIZE, DEFAULT_NOTIFY_TIMEOUT_MS } from '../config/defaults.ts';
import { claimDue, markDelivered, markFailed, notificationBody, type OutboxRow } from './outbox.ts';
import { NOTIFICATION_ID_HEADER, SIGNATURE_HEADER, signatureHeader } from './signature.ts';

export interface DelivererOptions {
  db: pg.Pool;
  webhookUrl: string;
  secret: string;
  /** First retry after about this long; doubled per attempt up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Per request; a slower receiver counts as a failed attempt. */
  timeoutMs?: number;
  batchSize?: number;
  log: (message: string, fields?: Record<string, unknown>) => void;
}

/** The wait before attempt `attempts + 1`: base × 2^(attempts − 1), capped, with full jitter above half of it. */
export function retryDelayMs(attempts: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempts - 1, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export class Deliverer {
  private readonly options: Required<DelivererOptions>;
  delivered = 0;
  failedAttempts = 0;

  constructor(options: DelivererOptions) {
    this.options = { timeoutMs: DEFAULT_NOTIFY_TIMEOUT_MS, batchSize: DEFAULT_NOTIFY_BATCH_SIZE, ...options };
  }

  /** Delivers what is due now, one batch at a time in parallel; returns how many rows it attempted. */
  async deliverDue(): Promise<number> {
    const { db, batchSize, timeoutMs } = this.options;
    // A lease longer than any request: a live deliverer always records its result before the row comes due again.
    const rows = await claimDue(db, batchSize, timeoutMs * 3);
    await Promise.all(rows.map((row) => this.send(row)));
    return rows.length;
  }

  private async send(row: OutboxRow): Promise<void> {
    const { db, webhookUrl, secret, timeoutMs, log } = this.options;
    const body = notificationBody(row);
    let failure: string;
    try {
      const response = await fetch(webhookUrl, {
        method: 'POST',
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
        headers: {
          'content-type': 'application/json',
          [NOTIFICATION_ID_HEADER]: row.id,
          [SIGNATURE_HEADER]: signatureHeader(secret, body),
        },
      });
      await response.body?.cancel();
      if (response.status >= 200 && response.status < 300) {
        await markDelivered(db, row.id);
        this.delivered++;
        log('notification delivered', { id: row.id, attempts: row.attempts });
        return;
      }
      failure = `HTTP ${response.status}`;
    } catch (error) {
      failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    this.failedAttempts++;
    const retryInMs = retryDelayMs(row.attempts, this.options.retryBaseMs, this.options.retryMaxMs);
    await markFailed(db, row.id, failure, retryInMs);
    log('notification attempt failed', { id: row.id, attempts: row.attempts, error: failure, retryInMs });
  }

  /** Delivers until `signal` aborts: at once while there is work, else polling every `idleMs`. */
  async run(signal: AbortSignal, idleMs = 1_000): Promise<void> {
    while (!signal.aborted) {
      let attempted = 0;
      try {
        attempted = await this.deliverDue();
      } catch (error) {
        // The database is away: wait and try again, as the workers do.
        this.options.log('outbox unavailable', { error: error instanceof Error ? error.message : String(error) });
      }
      if (attempted === 0) await sleep(idleMs, signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}
