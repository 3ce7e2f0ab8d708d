// A user's Seqr Account (prepaid). Cashback is credited here; a closed or blocked account cannot receive credits.
import { defineEntity, p } from '@mikro-orm/core';
import { timestamps } from './timestamps.ts';

export const accountStatuses = ['open', 'closed', 'blocked'] as const;

export const SeqrAccount = defineEntity({
  name: 'SeqrAccount',
  tableName: 'seqr_account',
  properties: {
    userId: p.text().primary(),
    status: p.enum(accountStatuses).default('open'),
    // bigint columns come back as strings from pg; 'number' mapping is safe below 2^53 cents.
    balanceCents: p.bigint('number').defaultRaw('0'),
    ...timestamps(),
  },
});
