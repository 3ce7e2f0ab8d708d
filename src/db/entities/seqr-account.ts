// A user's Seqr Account (prepaid). Cashback is credited here; a closed or blocked account cannot receive credits.
import { defineEntity, p } from '@mikro-orm/core';

export const accountStatuses = ['open', 'closed', 'blocked'] as const;
export type AccountStatus = (typeof accountStatuses)[number];

export const SeqrAccount = defineEntity({
  name: 'SeqrAccount',
  tableName: 'seqr_account',
  properties: {
    userId: p.string().primary(),
    status: p.enum(accountStatuses).default('open'),
    // bigint columns come back as strings from pg; 'number' mapping is safe below 2^53 cents.
    balanceCents: p.bigint('number').default(0),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
