// Thin adapters from the workflow to PostgreSQL: persist statements, credit the Seqr Account exactly once per key.
import { ApplicationFailure, log } from '@temporalio/activity';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { QuarterStatement } from '../domain/statement-types.ts';
import { formatEuros } from '../domain/money.ts';
import type { QuarterPayoutStatus } from '../domain/payout-status.ts';
import { payoutIdempotencyKey } from '../domain/statement.ts';
import { ACCOUNT_UNAVAILABLE } from '../workflows/definitions.ts';
import { crashPointFromEnvironment, type CrashPoint } from './fault-injection.ts';

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

function initialStatus(statement: QuarterStatement): QuarterPayoutStatus {
  if (statement.outcome === 'payable') return 'pending';
  return statement.outcome;
}

/** What the payout functions return (src/db/migrations/payout-functions.ts). */
interface PayoutRow {
  ledger_entry_id: string | null;
  already_credited: boolean;
  unavailable: string | null;
}

const SAVE_STATEMENT = 'select save_statement(?, ?, ?, ?, ?::jsonb)';
const SETTLE_QUARTER =
  'select ledger_entry_id, already_credited, unavailable from settle_quarter(?, ?, ?, ?, ?, ?, ?::jsonb)';
const CREDIT_PAYOUT = 'select ledger_entry_id, already_credited, unavailable from credit_payout(?, ?, ?, ?, ?)';

/** Where the activities write, and the reliability suite's crash points, fixed when the worker creates them. */
interface Database {
  /** One statement in autocommit: one pool connection, one round trip, one transaction. */
  query(sql: string, parameters: unknown[]): Promise<PayoutRow[]>;
  crashPoint: CrashPoint;
}

/**
 * Credits the Seqr Account through one payout function (`sql`): its parameters are the credit's (key, user, quarter,
 * amount, description), then `statementParameters`. An unavailable account, already recorded as a failed payout, fails
 * the activity for good.
 */
async function creditSeqrAccountWith(
  { query, crashPoint }: Database,
  request: CreditRequest,
  sql: string,
  statementParameters: unknown[] = [],
): Promise<CreditResult> {
  const { userId, quarter, amountCents } = request;
  const idempotencyKey = payoutIdempotencyKey(userId, quarter);
  const parameters = [idempotencyKey, userId, quarter, amountCents, `Seqr cashback ${quarter}`, ...statementParameters];
  crashPoint('before-credit');
  const [row] = await query(sql, parameters);
  if (row?.unavailable) {
    log.warn('payout failed', { userId, quarter, reason: row.unavailable });
    throw ApplicationFailure.create({ type: ACCOUNT_UNAVAILABLE, nonRetryable: true, message: row.unavailable });
  }
  if (!row?.ledger_entry_id) throw new Error(`the credit of ${userId} for ${quarter} returned nothing`);
  crashPoint('after-credit-commit');
  const result = {
    ledgerEntryId: Number(row.ledger_entry_id),
    idempotencyKey,
    alreadyCredited: row.already_credited,
  };
  log.info(result.alreadyCredited ? 'credit already applied' : 'credited', {
    userId,
    quarter,
    amount: formatEuros(amountCents),
    ledgerEntryId: result.ledgerEntryId,
  });
  return result;
}

export function createPayoutActivities(orm: MikroORM) {
  const database: Database = {
    query: (sql, parameters) => orm.em.getConnection().execute<PayoutRow[]>(sql, parameters),
    crashPoint: crashPointFromEnvironment(),
  };
  const { query } = database;

  return {
    /** Saves the statement of a quarter that has nothing to pay. */
    async saveStatement(statement: QuarterStatement): Promise<void> {
      const { userId, quarter, programVersion } = statement;
      await query(SAVE_STATEMENT, [
        userId,
        quarter,
        programVersion,
        initialStatus(statement),
        JSON.stringify(statement),
      ]);
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
     * Runs the SQL function settle_quarter (src/db/migrations/payout-functions.ts).
     */
    async settleQuarter(statement: QuarterStatement): Promise<CreditResult> {
      const { userId, quarter, programVersion, payableCents: amountCents } = statement;
      return creditSeqrAccountWith(database, { userId, quarter, amountCents }, SETTLE_QUARTER, [
        programVersion,
        JSON.stringify(statement),
      ]);
    },

    /**
     * Credits a quarter whose statement is saved (an operator's retry); the same exactly-once guarantee.
     * Runs the SQL function credit_payout (src/db/migrations/payout-functions.ts).
     */
    async creditSeqrAccount(request: CreditRequest): Promise<CreditResult> {
      return creditSeqrAccountWith(database, request, CREDIT_PAYOUT);
    },
  };
}

export type PayoutActivities = ReturnType<typeof createPayoutActivities>;
