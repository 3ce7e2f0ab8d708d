// Accounts, ledger entries (unique idempotency key) and quarter statements.
import { Migration } from '@mikro-orm/migrations';

export class InitialSchema extends Migration {
  override name = '20261124000000_initial_schema';

  override up(): void {
    this.addSql(`create table seqr_account (
      user_id text primary key,
      status text not null default 'open' check (status in ('open', 'closed', 'blocked')),
      balance_cents bigint not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now())`);
    this.addSql(`create table ledger_entry (
      id bigserial primary key,
      idempotency_key text not null unique,
      user_id text not null,
      quarter text not null,
      amount_cents bigint not null check (amount_cents > 0),
      description text not null,
      created_at timestamptz not null default now())`);
    this.addSql('create index ledger_entry_user_id_index on ledger_entry (user_id)');
    this.addSql(`create table quarter_statement (
      user_id text not null,
      quarter text not null,
      payout_status text not null
        check (payout_status in ('pending', 'paid', 'below_minimum', 'failed', 'nothing_due')),
      paid_cents bigint not null,
      ledger_entry_id bigint null references ledger_entry (id),
      failure_reason text null,
      statement jsonb not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (user_id, quarter))`);
    this.addSql('create index quarter_statement_quarter_status_index on quarter_statement (quarter, payout_status)');
  }

  override down(): void {
    this.addSql('drop table quarter_statement');
    this.addSql('drop table ledger_entry');
    this.addSql('drop table seqr_account');
  }
}
