// The webhook's signature: HMAC-SHA256 over "<unix seconds>.<body>" with the shared secret, sent as
// `X-Seqr-Signature: t=<unix seconds>,v1=<hex>`. The timestamp lets a receiver refuse replays of old requests.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-seqr-signature';
/** The notification's stable id (the payout's idempotency key): receivers deduplicate on it. */
export const NOTIFICATION_ID_HEADER = 'x-seqr-notification-id';

function digest(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export function signatureHeader(secret: string, body: string, nowMs = Date.now()): string {
  const timestamp = Math.floor(nowMs / 1000);
  return `t=${timestamp},v1=${digest(secret, timestamp, body)}`;
}

/** What a receiver runs: true when `header` signs `body` with `secret` and is at most `toleranceSeconds` old. */
export function verifySignature(
  secret: string,
  header: string | undefined,
  body: string,
  toleranceSeconds = 300,
  nowMs = Date.now(),
): boolean {
  const parts = Object.fromEntries((header ?? '').split(',').map((part) => part.split('=', 2) as [string, string]));
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp) || !parts.v1) return false;
  if (Math.abs(nowMs / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(digest(secret, timestamp, body), 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
