// A payout in one round trip: one autocommit call of a function, whose plans PostgreSQL keeps, instead of a transaction
// of separate statements each parsed and planned again (docs/adr/0004-payouts-as-postgresql-functions.md).
// Read committed: once the account's row lock is held, every later statement here sees what a concurrent attempt
// committed, so a repeated key is always found, never posted twice.
import { Migration } from '@mikro-orm/migrations';

export class PayoutFunctions extends Migration {
  override name = '20261126120000_payout_functions';

  override up(): void {
    // Credits the quarter under its idempotency key, exactly once: the ledger entry, its two balanced legs (funding
    // account → Seqr Account), the outbox row, the account's cached balance and the statement marked paid. The funding
    // account has no balance row: its balance is the sum of its legs, so a storm of payouts has no hot row. A closed or
    // blocked account moves nothing; its statement is marked failed and `unavailable` says why.
    this.addSql(`create function credit_payout(
        p_key text, p_user text, p_quarter text, p_amount bigint, p_description text,
        out ledger_entry_id bigint, out already_credited boolean, out unavailable text)
      language plpgsql as $$
      declare
        account_status text;
      begin
        -- Every Seqr user has an account; the ledger opens it on first use. Its row lock serialises concurrent attempts.
        insert into seqr_account (user_id) values (p_user) on conflict (user_id) do nothing;
        select status into account_status from seqr_account where user_id = p_user for update;
        select id into ledger_entry_id from ledger_entry where idempotency_key = p_key;
        if found then
          already_credited := true;
          return;
        end if;
        already_credited := false;
        if account_status <> 'open' then
          unavailable := format('Seqr Account of %s is %s', p_user, account_status);
          update quarter_statement set payout_status = 'failed', failure_reason = unavailable, updated_at = now()
            where user_id = p_user and quarter = p_quarter and payout_status <> 'paid';
          return;
        end if;
        insert into ledger_entry (idempotency_key, user_id, quarter, amount_cents, description)
          values (p_key, p_user, p_quarter, p_amount, p_description)
          returning id into ledger_entry_id;
        insert into posting (ledger_entry_id, account, user_id, amount_cents)
          values (credit_payout.ledger_entry_id, 'cashback_funding', null, -p_amount),
                 (credit_payout.ledger_entry_id, 'seqr_account', p_user, p_amount);
        insert into payout_notification (id, user_id, quarter, amount_cents, ledger_entry_id)
          values (p_key, p_user, p_quarter, p_amount, credit_payout.ledger_entry_id);
        update seqr_account set balance_cents = balance_cents + p_amount, updated_at = now() where user_id = p_user;
        update quarter_statement
          set payout_status = 'paid', paid_cents = p_amount, ledger_entry_id = credit_payout.ledger_entry_id,
            failure_reason = null, updated_at = now()
          where user_id = p_user and quarter = p_quarter;
      end $$`);

    // Saves a closed quarter's statement; never downgrades a payout already recorded as paid.
    this.addSql(`create function save_statement(
        p_user text, p_quarter text, p_program_version integer, p_status text, p_statement jsonb)
      returns void language plpgsql as $$
      begin
        insert into quarter_statement (user_id, quarter, program_version, payout_status, paid_cents, statement)
          values (p_user, p_quarter, p_program_version, p_status, 0, p_statement)
          on conflict (user_id, quarter) do update set
            statement = excluded.statement,
            program_version = excluded.program_version,
            payout_status = case when quarter_statement.payout_status = 'paid' then 'paid' else excluded.payout_status end,
            paid_cents = case when quarter_statement.payout_status = 'paid' then quarter_statement.paid_cents else 0 end,
            updated_at = now();
      end $$`);

    // A payable quarter's close in one transaction: its statement, then its credit.
    // Its parameters are credit_payout's, then the statement's.
    this.addSql(`create function settle_quarter(
        p_key text, p_user text, p_quarter text, p_amount bigint, p_description text,
        p_program_version integer, p_statement jsonb,
        out ledger_entry_id bigint, out already_credited boolean, out unavailable text)
      language plpgsql as $$
      begin
        perform save_statement(p_user, p_quarter, p_program_version, 'pending', p_statement);
        select c.ledger_entry_id, c.already_credited, c.unavailable
          into settle_quarter.ledger_entry_id, settle_quarter.already_credited, settle_quarter.unavailable
          from credit_payout(p_key, p_user, p_quarter, p_amount, p_description) c;
      end $$`);
  }

  override down(): void {
    this.addSql('drop function settle_quarter');
    this.addSql('drop function save_statement');
    this.addSql('drop function credit_payout');
  }
}
