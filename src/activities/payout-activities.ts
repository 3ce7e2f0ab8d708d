// Thin adapters from the workflow to PostgreSQL: persist statements, credit the Seqr Account exactly once per key.
import { ApplicationFailure, log } from '@temporalio/activity';
import { LockMode, type EntityManager, type MikroORM } from '@mikro-orm/postgresql';
import type { QuarterStatement } from '../domain/statement-types.ts';
import { formatEuros } from '../domain/money.ts';
import { payoutIdempotencyKey } from '../domain/statement.ts';
import { LedgerEntry } from '../db/entities/ledger-entry.ts';
import { QuarterStatementRecord, type PayoutStatusValue } from '../db/entities/quarter-statement-record.ts';
import { SeqrAccount } from '../db/entities/seqr-account.ts';
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

/** Upserts the quarter's statement inside `tx`; never downgrades a payout already recorded as paid. */
async function upsertStatement(tx: Tx, statement: QuarterStatement): Promise<void> {
  const existing = await tx.findOne(
    QuarterStatementRecord,
    { userId: statement.userId, quarter: statement.quarter },
    { lockMode: LockMode.PESSIMISTIC_WRITE },
  );
  if (existing) {
    existing.statement = statement;
    if (existing.payoutStatus !== 'paid') {
      existing.payoutStatus = initialStatus(statement);
      existing.paidCents = 0;
    }
    return;
  }
  tx.create(QuarterStatementRecord, {
    userId: statement.userId,
    quarter: statement.quarter,
    payoutStatus: initialStatus(statement),
    paidCents: 0,
    statement: statement,
  });
}

/** Why an account cannot be credited; the caller records it and fails the activity for good. */
interface Unavailable {
  unavailable: string;
}

/**
 * Credits the quarter under its idempotency key and marks its statement paid, inside `tx`.
 * A repeated call with the same key returns the first entry and moves no money.
 */
async function credit(tx: Tx, request: CreditRequest): Promise<CreditResult | Unavailable> {
  const idempotencyKey = payoutIdempotencyKey(request.userId, request.quarter);
  // Every Seqr user has an account; the ledger opens it on first use. The row lock serialises concurrent retries.
  // tx.execute runs inside the transaction; a raw connection query would take a second pool connection and,
  // with every connection held by a waiting transaction, deadlock the pool under load.
  await tx.execute('insert into seqr_account (user_id) values (?) on conflict (user_id) do nothing', [request.userId]);
  const account = await tx.findOneOrFail(
    SeqrAccount,
    { userId: request.userId },
    { lockMode: LockMode.PESSIMISTIC_WRITE },
  );
  const existing = await tx.findOne(LedgerEntry, { idempotencyKey });
  if (existing) return { ledgerEntryId: existing.id, idempotencyKey, alreadyCredited: true };
  if (account.status !== 'open') {
    const unavailable = `Seqr Account of ${request.userId} is ${account.status}`;
    await recordFailure(tx, { ...request, reason: unavailable });
    return { unavailable };
  }
  const entry = tx.create(LedgerEntry, {
    idempotencyKey,
    userId: request.userId,
    quarter: request.quarter,
    amountCents: request.amountCents,
    description: `Seqr cashback ${request.quarter}`,
  });
  account.balanceCents += request.amountCents;
  await tx.flush();
  await tx.nativeUpdate(
    QuarterStatementRecord,
    { userId: request.userId, quarter: request.quarter },
    { payoutStatus: 'paid', paidCents: request.amountCents, ledgerEntry: entry.id, failureReason: null },
  );
  return { ledgerEntryId: entry.id, idempotencyKey, alreadyCredited: false };
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
        await tx.flush();
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
