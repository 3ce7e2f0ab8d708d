// One money movement on a Seqr Account. The unique idempotency key makes a retried credit a no-op.
import { defineEntity, p } from '@mikro-orm/core';
import { createdAt } from './timestamps.ts';

export const LedgerEntry = defineEntity({
  name: 'LedgerEntry',
  tableName: 'ledger_entry',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    idempotencyKey: p.string().unique(),
    userId: p.string().index(),
    quarter: p.string(),
    amountCents: p.bigint('number'),
    description: p.string(),
    createdAt: createdAt(),
  },
});
