// One money movement on a Seqr Account. The unique idempotency key makes a retried credit a no-op.
import { defineEntity, p } from '@mikro-orm/core';
import { createdAt } from './timestamps.ts';

export const LedgerEntry = defineEntity({
  name: 'LedgerEntry',
  tableName: 'ledger_entry',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    idempotencyKey: p.text().unique('ledger_entry_idempotency_key_key'),
    userId: p.text().index(),
    quarter: p.text(),
    amountCents: p.bigint('number').check('amount_cents > 0'),
    description: p.text(),
    createdAt: createdAt(),
  },
});
