// The persisted statement of one user's closed quarter, with its payout status and ledger reference.
import { defineEntity, p } from '@mikro-orm/core';
import type { QuarterStatement } from '../../domain/statement-types.ts';
import { timestamps } from './timestamps.ts';

export const payoutStatuses = ['pending', 'paid', 'below_minimum', 'failed', 'nothing_due'] as const;
export type PayoutStatusValue = (typeof payoutStatuses)[number];

export const QuarterStatementRecord = defineEntity({
  name: 'QuarterStatementRecord',
  tableName: 'quarter_statement',
  properties: {
    userId: p.string().primary(),
    quarter: p.string().primary(),
    payoutStatus: p.enum(payoutStatuses),
    paidCents: p.bigint('number'),
    ledgerEntryId: p.bigint('number').nullable(),
    failureReason: p.text().nullable(),
    /** The whole statement as the domain computed it (months, adjustments, carry-forward). */
    statement: p.json<QuarterStatement>(),
    ...timestamps(),
  },
});
