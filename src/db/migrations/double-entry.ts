// Double entry and the payout outbox. Every ledger entry becomes a transfer of balanced postings (the program's funding
// account → the user's Seqr Account); the database refuses an unbalanced one at commit. Existing entries are backfilled.
import { Migration } from '@mikro-orm/migrations';

export class DoubleEntry extends Migration {
  override name = '20261125000000_double_entry';

  override up(): void {
    this.addSql(`create table posting (
      id bigserial primary key,
      ledger_entry_id bigint not null references ledger_entry (id),
      account text not null check (account in ('cashback_funding', 'seqr_account')),
      user_id text null references seqr_account (user_id),
      amount_cents bigint not null check (amount_cents <> 0),
      created_at timestamptz not null default now(),
      constraint posting_user_account_check check ((account = 'seqr_account') = (user_id is not null)),
      constraint posting_one_leg_per_account_key unique (ledger_entry_id, account))`);
    this.addSql('create index posting_user_id_index on posting (user_id)');

    // Checked at commit, so a transfer's legs can be written one by one inside its transaction: the legs sum to zero,
    // there are two of them, and the Seqr Account's leg is the entry's amount.
    this.addSql(`create function check_transfer_balanced() returns trigger language plpgsql as $$
      declare
        entry_id bigint := (to_jsonb(new) ->> tg_argv[0])::bigint;
        legs integer; total bigint; credited bigint; expected bigint;
      begin
        select count(*), coalesce(sum(amount_cents), 0), sum(amount_cents) filter (where account = 'seqr_account')
          into legs, total, credited from posting where ledger_entry_id = entry_id;
        select amount_cents into expected from ledger_entry where id = entry_id;
        if legs <> 2 or total <> 0 or credited is distinct from expected then
          raise exception 'unbalanced transfer: ledger entry % has % legs summing to % (credit %, amount %)',
            entry_id, legs, total, credited, expected using errcode = 'check_violation';
        end if;
        return null;
      end $$`);
    for (const [table, entryId] of [
      ['ledger_entry', 'id'],
      ['posting', 'ledger_entry_id'],
    ]) {
      this.addSql(`create constraint trigger ${table}_balanced after insert on ${table}
        deferrable initially deferred for each row execute function check_transfer_balanced('${entryId}')`);
    }
    // The books are append-only: a correction is a new transfer, never an edit.
    this.addSql(`create function refuse_ledger_change() returns trigger language plpgsql as $$
      begin
        raise exception '% is append-only', tg_table_name using errcode = 'restrict_violation';
      end $$`);
    for (const table of ['ledger_entry', 'posting']) {
      this.addSql(`create trigger ${table}_append_only before update or delete on ${table}
        for each row execute function refuse_ledger_change()`);
    }

    this.addSql(`insert into posting (ledger_entry_id, account, user_id, amount_cents, created_at)
      select id, 'cashback_funding', null, -amount_cents, created_at from ledger_entry
      union all select id, 'seqr_account', user_id, amount_cents, created_at from ledger_entry`);

    // The outbox: one row per payout, written with its credit; the id is the payout's idempotency key.
    this.addSql(`create table payout_notification (
      id text primary key,
      user_id text not null,
      quarter text not null,
      amount_cents bigint not null check (amount_cents > 0),
      ledger_entry_id bigint not null references ledger_entry (id),
      created_at timestamptz not null default now(),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null default now(),
      last_error text null,
      delivered_at timestamptz null,
      constraint payout_notification_ledger_entry_id_unique unique (ledger_entry_id))`);
    this.addSql(`create index payout_notification_due_index on payout_notification (next_attempt_at)
      where delivered_at is null`);
    this.addSql(`insert into payout_notification (id, user_id, quarter, amount_cents, ledger_entry_id, created_at)
      select idempotency_key, user_id, quarter, amount_cents, id, created_at from ledger_entry`);
  }

  override down(): void {
    this.addSql('drop table payout_notification');
    this.addSql('drop table posting');
    this.addSql('drop trigger ledger_entry_balanced on ledger_entry');
    this.addSql('drop trigger ledger_entry_append_only on ledger_entry');
    this.addSql('drop function check_transfer_balanced');
    this.addSql('drop function refuse_ledger_change');
  }
}
