// `reconcile <quarter>`: do the quarter's books balance, and do the workflows agree with them? Exit 0 when clean, 1 with
// every violation (user and amount) when not.
import pc from 'picocolors';
import { parseQuarterKey } from '../../domain/calendar.ts';
import { formatEuros } from '../../domain/money.ts';
import { inSnapshot } from '../../db/pg-session.ts';
import { reconcileBooks, reconcileWorkflows, type Violation } from '../../finance/reconcile.ts';
import type { CliContext } from '../context.ts';
import { printJson, printPairs, printTable } from '../output.ts';

export async function reconcileCommand(
  ctx: CliContext,
  quarterArg: string,
  options: { json?: boolean; workflows: boolean },
): Promise<void> {
  const quarter = parseQuarterKey(quarterArg);
  const started = performance.now();
  const books = await inSnapshot(ctx.databaseUrl, (db) => reconcileBooks(db, quarter));
  const workflows = options.workflows
    ? await reconcileWorkflows((await ctx.cashback()).lastPaidQuarters(), quarter, books.paidUsers)
    : undefined;
  const violations: Violation[] = [...books.violations, ...(workflows?.violations ?? [])];
  const seconds = (performance.now() - started) / 1000;
  process.exitCode = violations.length ? 1 : 0;
  if (options.json)
    return printJson({
      quarter,
      clean: !violations.length,
      ...books.summary,
      workflows: workflows?.workflows,
      violations,
      seconds,
    });

  const s = books.summary;
  printPairs([
    ['quarter', quarter],
    ['paid statements', `${s.paidStatements} (${formatEuros(s.paidCents)})`],
    ['transfers', `${s.transfers} (${formatEuros(s.transferredCents)})`],
    ['funding account', `${formatEuros(-s.fundingPaidOutCents)} (all quarters)`],
    ['workflows', workflows ? String(workflows.workflows) : 'not checked (--no-workflows)'],
    ['checked in', `${seconds.toFixed(1)} s`],
  ]);
  if (!violations.length) {
    process.stdout.write(
      `${pc.green('clean')}: every paid statement has one balanced transfer; postings sum to zero\n`,
    );
    return;
  }
  printTable(
    ['check', 'user', 'amount', 'detail'],
    violations.map((v) => [v.check, v.userId ?? '', v.cents === undefined ? '' : formatEuros(v.cents), v.detail]),
  );
  process.stdout.write(`${pc.red(`${violations.length} violations`)}\n`);
}
