// The payout outbox: one row per credit, written in its transaction, delivered to the webhook until a 2xx.
import { defineEntity, p } from '@mikro-orm/core';
import { LedgerEntry } from './ledger-entry.ts';
import { createdAt } from './timestamps.ts';

export const PayoutNotification = defineEntity({
  name: 'PayoutNotification',
  tableName: 'payout_notification',
  // The deliverer's queue: what is still to deliver, by when it is due.
  indexes: [
    {
      name: 'payout_notification_due_index',
      expression:
        'create index payout_notification_due_index on payout_notification (next_attempt_at) where delivered_at is null',
    },
  ],
  properties: {
    /** The payout's idempotency key: stable, so receivers can deduplicate on it. */
    id: p.text().primary(),
    userId: p.text(),
    quarter: p.text(),
    amountCents: p.bigint('number').check('amount_cents > 0'),
    ledgerEntry: () =>
      p
        .oneToOne(LedgerEntry)
        .owner()
        .foreignKeyName('payout_notification_ledger_entry_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    createdAt: createdAt(),
    attempts: p.integer().default(0),
    nextAttemptAt: p.datetime().defaultRaw('now()'),
    lastError: p.text().nullable(),
    deliveredAt: p.datetime().nullable(),
  },
});
