// Every user's statement line for a quarter as CSV, streamed from a PostgreSQL cursor: memory stays flat whether the
// quarter has a thousand statements or a million.
import { stringify } from 'csv-stringify';
import QueryStream from 'pg-query-stream';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { monthsOfQuarter, type QuarterKey } from '../domain/calendar.ts';
import { decimalEuros, decimalHundredths } from '../domain/money.ts';
import type { QuarterStatement } from '../domain/statement-types.ts';
import { inSnapshot } from '../db/pg-session.ts';

interface Row {
  user_id: string;
  program_version: number;
  payout_status: string;
  paid_cents: string;
  ledger_entry_id: string | null;
  ledger_key: string | null;
  statement: QuarterStatement;
}

const perMonth = ['payments', 'net_spend', 'tier', 'cashback'] as const;

export function statementColumns(quarter: QuarterKey): string[] {
  return [
    'user_id',
    'quarter',
    'program_version',
    ...monthsOfQuarter(quarter).flatMap((month) => perMonth.map((field) => `${month}_${field}`)),
    'adjustments',
    'carried_in',
    'total',
    'paid',
    'carried_out',
    'forfeited',
    'payout_status',
    'ledger_entry_id',
    'ledger_key',
  ];
}

/** One CSV record: amounts as plain decimals of euros (cents with 2 decimals, exact amounts with 4). */
function record(quarter: QuarterKey, row: Row): string[] {
  const s = row.statement;
  const months = monthsOfQuarter(quarter).flatMap((month) => {
    const line = s.lines.find((l) => l.month === month);
    return line
      ? [
          String(line.eligiblePayments),
          decimalEuros(line.netSpendCents),
          String(line.tier),
          decimalHundredths(line.cashback),
        ]
      : ['0', '0.00', '0', '0.0000'];
  });
  return [
    row.user_id,
    quarter,
    String(row.program_version),
    ...months,
    decimalHundredths(s.adjustments.reduce((sum, a) => sum + a.delta, 0)),
    decimalHundredths(s.carriedIn),
    decimalHundredths(s.total),
    decimalEuros(Number(row.paid_cents)),
    decimalHundredths(s.carriedOut),
    decimalHundredths(s.forfeited),
    row.payout_status,
    row.ledger_entry_id ?? '',
    row.ledger_key ?? '',
  ];
}

/** Streams the quarter's statements to `out` as CSV (header first), in user order; returns the number of lines. */
export function exportStatementLines(
  databaseUrl: string,
  quarter: QuarterKey,
  out: Writable,
  onProgress?: (lines: number) => void,
): Promise<number> {
  return inSnapshot(databaseUrl, async (db) => {
    const rows = db.query(
      new QueryStream(
        `select s.user_id, s.program_version, s.payout_status, s.paid_cents, s.ledger_entry_id, e.idempotency_key as ledger_key,
           s.statement
         from quarter_statement s left join ledger_entry e on e.id = s.ledger_entry_id
         where s.quarter = $1 order by s.user_id`,
        [quarter],
        { batchSize: 1_000 },
      ),
    );
    let lines = 0;
    await pipeline(
      rows,
      async function* (source: AsyncIterable<Row>) {
        for await (const row of source) {
          lines++;
          if (lines % 10_000 === 0) onProgress?.(lines);
          yield record(quarter, row);
        }
      },
      stringify({ header: true, columns: statementColumns(quarter) }),
      out,
      { end: false },
    );
    onProgress?.(lines);
    return lines;
  });
}
