// The payout outbox in PostgreSQL: rows are written by the credit's transaction (see payout-activities.ts); here they
// are claimed for delivery, marked delivered, or put back with a later attempt time.
import type pg from 'pg';

export interface OutboxRow {
  id: string;
  userId: string;
  quarter: string;
  amountCents: number;
  ledgerEntryId: number;
  createdAt: Date;
  /** Including the attempt this claim starts. */
  attempts: number;
}

/** The webhook's JSON body: documented in docs/finance.md ("Payout notifications"). */
export function notificationBody(row: OutboxRow): string {
  return JSON.stringify({
    id: row.id,
    type: 'cashback.payout.credited',
    userId: row.userId,
    quarter: row.quarter,
    amount: { cents: row.amountCents, currency: 'EUR' },
    ledgerReference: { entryId: row.ledgerEntryId, key: row.id },
    createdAt: row.createdAt.toISOString(),
  });
}

/**
 * Claims up to `limit` due rows for `leaseMs`: each gets its attempt counted and is hidden from other deliverers until
 * the lease ends. A deliverer killed mid-send leaves its rows to come due again when the lease ends: nothing is lost, and
 * a payout can be sent twice (receivers deduplicate on the id).
 */
export async function claimDue(db: pg.Pool, limit: number, leaseMs: number): Promise<OutboxRow[]> {
  const { rows } = await db.query(
    `update payout_notification n
     set attempts = n.attempts + 1, next_attempt_at = now() + $2 * interval '1 millisecond'
     where n.id in (
       select id from payout_notification
       where delivered_at is null and next_attempt_at <= now()
       order by next_attempt_at limit $1 for update skip locked)
     returning n.id, n.user_id, n.quarter, n.amount_cents, n.ledger_entry_id, n.created_at, n.attempts`,
    [limit, leaseMs],
  );
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    quarter: r.quarter,
    amountCents: Number(r.amount_cents),
    ledgerEntryId: Number(r.ledger_entry_id),
    createdAt: r.created_at,
    attempts: r.attempts,
  }));
}

export async function markDelivered(db: pg.Pool, id: string): Promise<void> {
  await db.query('update payout_notification set delivered_at = now(), last_error = null where id = $1', [id]);
}

export async function markFailed(db: pg.Pool, id: string, error: string, retryInMs: number): Promise<void> {
  await db.query(
    `update payout_notification set last_error = $2, next_attempt_at = now() + $3 * interval '1 millisecond'
     where id = $1 and delivered_at is null`,
    [id, error.slice(0, 500), retryInMs],
  );
}
