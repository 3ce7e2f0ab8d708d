// The persisted statement of one user's closed quarter, with its payout status and ledger reference.
import { defineEntity, p } from '@mikro-orm/core';
import { quarterPayoutStatuses } from '../../domain/payout-status.ts';
import type { QuarterStatement } from '../../domain/statement-types.ts';
import { LedgerEntry } from './ledger-entry.ts';
import { timestamps } from './timestamps.ts';

export const QuarterStatementRecord = defineEntity({
  name: 'QuarterStatementRecord',
  tableName: 'quarter_statement',
  // Operators list a quarter's payouts by status.
  indexes: [{ properties: ['quarter', 'payoutStatus'], name: 'quarter_statement_quarter_status_index' }],
  properties: {
    userId: p.text().primary(),
    quarter: p.text().primary(),
    /** The program version the quarter was closed under (also in the statement). */
    programVersion: p.integer(),
    payoutStatus: p.enum(quarterPayoutStatuses),
    paidCents: p.bigint('number'),
    ledgerEntry: () =>
      p
        .manyToOne(LedgerEntry)
        .nullable()
        .foreignKeyName('quarter_statement_ledger_entry_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    failureReason: p.text().nullable(),
    /** The whole statement as the domain computed it (months, adjustments, carry-forward). */
    statement: p.json<QuarterStatement>(),
    ...timestamps(),
  },
});
