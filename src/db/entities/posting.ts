// One leg of a transfer: a signed amount on one account. A ledger entry's two legs sum to zero (the database checks at
// commit); an account's balance is the sum of its legs.
import { defineEntity, p } from '@mikro-orm/core';
import { LedgerEntry } from './ledger-entry.ts';
import { SeqrAccount } from './seqr-account.ts';
import { createdAt } from './timestamps.ts';

/** The program's cashback funding account (debited) and users' Seqr Accounts (credited). */
export const postingAccounts = ['cashback_funding', 'seqr_account'] as const;

export const Posting = defineEntity({
  name: 'Posting',
  tableName: 'posting',
  uniques: [{ properties: ['ledgerEntry', 'account'], name: 'posting_one_leg_per_account_key' }],
  checks: [{ name: 'posting_user_account_check', expression: "(account = 'seqr_account') = (user_id is not null)" }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    ledgerEntry: () =>
      p
        .manyToOne(LedgerEntry)
        .foreignKeyName('posting_ledger_entry_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    account: p.enum(postingAccounts),
    user: () =>
      p
        .manyToOne(SeqrAccount)
        .nullable()
        .fieldName('user_id')
        .foreignKeyName('posting_user_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .index('posting_user_id_index'),
    amountCents: p.bigint('number').check('amount_cents <> 0'),
    createdAt: createdAt(),
  },
});
