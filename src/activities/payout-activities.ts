// Thin adapters from the workflow to PostgreSQL: persist statements, credit the Seqr Account exactly once per key.
import { ApplicationFailure, log } from '@temporalio/activity';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { QuarterStatement } from '../domain/statement-types.ts';
import { formatEuros } from '../domain/money.ts';
import { payoutIdempotencyKey } from '../domain/statement.ts';
import { QuarterStatementRecord, type PayoutStatusValue } from '../db/entities/quarter-statement-record.ts';
import { ACCOUNT_UNAVAILABLE } from '../workflows/definitions.ts';
import { crashPoint } from './fault-injection.ts';

export interface CreditRequest {
  userId: string;
  quarter: string;
  amountCents: number;
}

export interface CreditResult {
  ledgerEntryId: number;
  idempotencyKey: string;
  /** True when an earlier attempt had already credited: no money moved this time. */
  alreadyCredited: boolean;
}

function initialStatus(statement: QuarterStatement): PayoutStatusValue {
  if (statement.outcome === 'payable') return 'pending';
  return statement.outcome;
}

type Tx = EntityManager;

/**
 * Upserts the quarter's statement inside `tx`, in one statement; never downgrades a payout already recorded as paid.
 * Parameters: user, quarter, initial payout status, statement JSON.
 */
const UPSERT_STATEMENT = `
  insert into quarter_statement (user_id, quarter, program_version, payout_status, paid_cents, statement)
  values (?, ?, ?, ?, 0, ?::jsonb)
  on conflict (user_id, quarter) do update set
    statement = excluded.statement,
    program_version = excluded.program_version,
    payout_status = case when quarter_statement.payout_status = 'paid' then 'paid' else excluded.payout_status end,
    paid_cents = case when quarter_statement.payout_status = 'paid' then quarter_statement.paid_cents else 0 end,
    updated_at = now()`;

async function upsertStatement(tx: Tx, statement: QuarterStatement): Promise<void> {
  await tx.execute(UPSERT_STATEMENT, [
    statement.userId,
    statement.quarter,
    statement.programVersion,
    initialStatus(statement),
    JSON.stringify(statement),
  ]);
}

/** Why an account cannot be credited; the caller records it and fails the activity for good. */
interface Unavailable {
  unavailable: string;
}

/**
 * One round trip for the whole payout: the ledger entry, its two balanced legs (funding account → Seqr Account), the
 * outbox row for the notification, the account's cached balance and the statement marked paid. The funding account has
 * no balance row to update: its balance is the sum of its legs, so the quarter-end storm has no hot row. Every part keys
 * off `entry`: when the key is already taken (a concurrent attempt won), nothing at all is written.
 * Parameters: idempotency key, user, quarter, amount, description.
 */
const POST_TRANSFER = `
  with params as (
    select ?::text as key, ?::text as user_id, ?::text as quarter, ?::bigint as amount, ?::text as description),
  entry as (
    insert into ledger_entry (idempotency_key, user_id, quarter, amount_cents, description)
    select key, user_id, quarter, amount, description from params
    on conflict (idempotency_key) do nothing returning id),
  legs as (
    insert into posting (ledger_entry_id, account, user_id, amount_cents)
    select entry.id, 'cashback_funding', null, -params.amount from entry, params
    union all select entry.id, 'seqr_account', params.user_id, params.amount from entry, params),
  notification as (
    insert into payout_notification (id, user_id, quarter, amount_cents, ledger_entry_id)
    select params.key, params.user_id, params.quarter, params.amount, entry.id from entry, params),
  balance as (
    update seqr_account set balance_cents = balance_cents + params.amount, updated_at = now()
    from params, entry where seqr_account.user_id = params.user_id),
  statement as (
    update quarter_statement set payout_status = 'paid', paid_cents = params.amount, ledger_entry_id = entry.id,
      failure_reason = null, updated_at = now()
    from params, entry where quarter_statement.user_id = params.user_id and quarter_statement.quarter = params.quarter)
  select id from entry`;

/**
 * Opens the user's account if it is new, else locks it; returns its status and any transfer already posted under the
 * key. One round trip: a new account comes back from the insert (a select in the same statement cannot see it yet).
 * Parameters: user, user, idempotency key.
 */
const LOCK_ACCOUNT = `
  with created as (
    insert into seqr_account (user_id) values (?) on conflict (user_id) do nothing returning status)
  select coalesce(
      (select status from created),
      (select status from seqr_account where user_id = ? for update)) as status,
    (select id from ledger_entry where idempotency_key = ?) as existing`;

/**
 * Credits the quarter under its idempotency key and marks its statement paid, inside `tx`.
 * A repeated call with the same key returns the first entry and moves no money.
 */
async function credit(tx: Tx, request: CreditRequest): Promise<CreditResult | Unavailable> {
  const idempotencyKey = payoutIdempotencyKey(request.userId, request.quarter);
  // Every Seqr user has an account; the ledger opens it on first use. The row lock serialises concurrent retries.
  // tx.execute runs inside the transaction; a raw connection query would take a second pool connection and,
  // with every connection held by a waiting transaction, deadlock the pool under load.
  const [account] = await tx.execute<{ status: string | null; existing: string | null }[]>(LOCK_ACCOUNT, [
    request.userId,
    request.userId,
    idempotencyKey,
  ]);
  if (account?.existing) return { ledgerEntryId: Number(account.existing), idempotencyKey, alreadyCredited: true };
  // No status: the account was created by a concurrent attempt after this statement's snapshot, so it is new and open.
  const status = account?.status ?? 'open';
  if (status !== 'open') {
    const unavailable = `Seqr Account of ${request.userId} is ${status}`;
    await recordFailure(tx, { ...request, reason: unavailable });
    return { unavailable };
  }
  const [entry] = await tx.execute<{ id: string }[]>(POST_TRANSFER, [
    idempotencyKey,
    request.userId,
    request.quarter,
    request.amountCents,
    `Seqr cashback ${request.quarter}`,
  ]);
  if (entry) return { ledgerEntryId: Number(entry.id), idempotencyKey, alreadyCredited: false };
  // A concurrent attempt committed this key after our snapshot: its transfer stands, this one moved nothing.
  const [first] = await tx.execute<{ id: string }[]>('select id from ledger_entry where idempotency_key = ?', [
    idempotencyKey,
  ]);
  if (!first) throw new Error(`the transfer ${idempotencyKey} neither posted nor found`);
  return { ledgerEntryId: Number(first.id), idempotencyKey, alreadyCredited: true };
}

function recordFailure(tx: Tx, request: { userId: string; quarter: string; reason: string }): Promise<number> {
  return tx.nativeUpdate(
    QuarterStatementRecord,
    { userId: request.userId, quarter: request.quarter, payoutStatus: { $ne: 'paid' } },
    { payoutStatus: 'failed', failureReason: request.reason },
  );
}

export function createPayoutActivities(orm: MikroORM) {
  /**
   * Runs `work` in one transaction; an unavailable account is committed as a failed payout, then fails the activity for
   * good.
   */
  async function creditInTransaction(
    request: CreditRequest,
    work: (tx: Tx) => Promise<CreditResult | Unavailable>,
  ): Promise<CreditResult> {
    crashPoint('before-credit');
    const result = await orm.em.fork().transactional(work);
    if ('unavailable' in result) {
      log.warn('payout failed', { userId: request.userId, quarter: request.quarter, reason: result.unavailable });
      throw ApplicationFailure.create({ type: ACCOUNT_UNAVAILABLE, nonRetryable: true, message: result.unavailable });
    }
    crashPoint('after-credit-commit');
    log.info(result.alreadyCredited ? 'credit already applied' : 'credited', {
      userId: request.userId,
      quarter: request.quarter,
      amount: formatEuros(request.amountCents),
      ledgerEntryId: result.ledgerEntryId,
    });
    return result;
  }

  return {
    /** Saves the statement of a quarter that has nothing to pay. */
    async saveStatement(statement: QuarterStatement): Promise<void> {
      await orm.em.fork().transactional((tx) => upsertStatement(tx, statement));
      log.info('statement saved', {
        userId: statement.userId,
        quarter: statement.quarter,
        payableCents: statement.payableCents,
        outcome: statement.outcome,
      });
    },

    /**
     * Closes a payable quarter in one transaction: saves its statement and credits the Seqr Account exactly once.
     * One commit instead of two is what keeps the quarter-end storm short.
     */
    async settleQuarter(statement: QuarterStatement): Promise<CreditResult> {
      const request = { userId: statement.userId, quarter: statement.quarter, amountCents: statement.payableCents };
      return creditInTransaction(request, async (tx) => {
        await upsertStatement(tx, statement);
        return credit(tx, request);
      });
    },

    /** Credits a quarter whose statement is saved (an operator's retry); the same exactly-once guarantee. */
    async creditSeqrAccount(request: CreditRequest): Promise<CreditResult> {
      return creditInTransaction(request, (tx) => credit(tx, request));
    },
  };
}

export type PayoutActivities = ReturnType<typeof createPayoutActivities>;
