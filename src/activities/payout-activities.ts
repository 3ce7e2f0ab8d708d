// Thin adapters from the workflow to PostgreSQL: persist statements, credit the Seqr Account exactly once per key.
import { ApplicationFailure, log } from '@temporalio/activity';
import { LockMode, type MikroORM } from '@mikro-orm/postgresql';
import type { QuarterStatement as Statement } from '../domain/statement.ts';
import { formatEuros } from '../domain/money.ts';
import { payoutIdempotencyKey } from '../domain/statement.ts';
import { LedgerEntry } from '../db/entities/ledger-entry.ts';
import { QuarterStatement, type PayoutStatusValue } from '../db/entities/quarter-statement.ts';
import { SeqrAccount } from '../db/entities/seqr-account.ts';
import { crashPoint } from './fault-injection.ts';

/** The error type the workflow treats as permanent: a closed or blocked account. */
export const ACCOUNT_UNAVAILABLE = 'AccountUnavailable';

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

function initialStatus(statement: Statement): PayoutStatusValue {
  if (statement.outcome === 'payable') return 'pending';
  return statement.outcome;
}

export function createPayoutActivities(orm: MikroORM) {
  return {
    /** Upserts the quarter's statement; never downgrades a payout already recorded as paid. */
    async saveStatement(statement: Statement): Promise<void> {
      const em = orm.em.fork();
      await em.transactional(async (tx) => {
        const existing = await tx.findOne(QuarterStatement, { userId: statement.userId, quarter: statement.quarter }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (existing) {
          existing.statement = statement as unknown as Record<string, unknown>;
          if (existing.payoutStatus !== 'paid') {
            existing.payoutStatus = initialStatus(statement);
            existing.paidCents = 0;
          }
          return;
        }
        tx.create(QuarterStatement, {
          userId: statement.userId, quarter: statement.quarter, payoutStatus: initialStatus(statement),
          paidCents: 0, statement: statement as unknown as Record<string, unknown>,
        });
      });
      log.info('statement saved', { userId: statement.userId, quarter: statement.quarter, payableCents: statement.payableCents, outcome: statement.outcome });
    },

    /**
     * Credits the quarter's cashback under its idempotency key, and marks the statement paid, in one transaction.
     * A repeated call with the same key returns the first entry and moves no money.
     */
    async creditSeqrAccount(request: CreditRequest): Promise<CreditResult> {
      const idempotencyKey = payoutIdempotencyKey(request.userId, request.quarter);
      crashPoint('before-credit');
      const em = orm.em.fork();
      const result = await em.transactional(async (tx) => {
        // Every Seqr user has an account; the ledger opens it on first use. The row lock serialises concurrent retries.
        // tx.execute runs inside the transaction; a raw connection query would take a second pool connection and,
        // with every connection held by a waiting transaction, deadlock the pool under load.
        await tx.execute('insert into seqr_account (user_id) values (?) on conflict (user_id) do nothing', [request.userId]);
        const account = await tx.findOneOrFail(SeqrAccount, { userId: request.userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        const existing = await tx.findOne(LedgerEntry, { idempotencyKey });
        if (existing) return { ledgerEntryId: existing.id, idempotencyKey, alreadyCredited: true };
        if (account.status !== 'open') {
          throw ApplicationFailure.create({
            type: ACCOUNT_UNAVAILABLE, nonRetryable: true,
            message: `Seqr Account of ${request.userId} is ${account.status}`,
          });
        }
        const entry = tx.create(LedgerEntry, {
          idempotencyKey, userId: request.userId, quarter: request.quarter, amountCents: request.amountCents,
          description: `Seqr cashback ${request.quarter}`,
        });
        account.balanceCents += request.amountCents;
        await tx.flush();
        await tx.nativeUpdate(QuarterStatement, { userId: request.userId, quarter: request.quarter },
          { payoutStatus: 'paid', paidCents: request.amountCents, ledgerEntryId: entry.id, failureReason: null });
        return { ledgerEntryId: entry.id, idempotencyKey, alreadyCredited: false };
      });
      crashPoint('after-credit-commit');
      log.info(result.alreadyCredited ? 'credit already applied' : 'credited', {
        userId: request.userId, quarter: request.quarter, amount: formatEuros(request.amountCents), ledgerEntryId: result.ledgerEntryId,
      });
      return result;
    },

    /** Records a permanent payout failure on the statement, for operators. */
    async markPayoutFailed(request: { userId: string; quarter: string; reason: string }): Promise<void> {
      await orm.em.fork().nativeUpdate(QuarterStatement, { userId: request.userId, quarter: request.quarter, payoutStatus: { $ne: 'paid' } },
        { payoutStatus: 'failed', failureReason: request.reason });
      log.warn('payout failed', request);
    },
  };
}

export type PayoutActivities = ReturnType<typeof createPayoutActivities>;
