// `simulate <file>`: each user's statements from a file of events, offline, under the current or a proposed program;
// `--compare` runs both over one read of the file and prints what the proposal changes. A progress bar on large files.
import { SingleBar } from 'cli-progress';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { formatEuros, formatHundredths } from '../../domain/money.ts';
import { PROGRAM } from '../../domain/program-versions.ts';
import type { Program } from '../../domain/program.ts';
import { compare, type Outcomes } from '../../simulator/compare.ts';
import { ProgramFileError, readProgramFile } from '../../simulator/program-file.ts';
import { readEvents } from '../../simulator/read-events.ts';
import { Simulation } from '../../simulator/simulation.ts';
import { printJson, printTable, UsageError } from '../output.ts';

interface SimulateOptions {
  program?: string;
  compare?: boolean;
  json?: boolean;
  quiet?: boolean;
}

export async function simulateCommand(path: string, options: SimulateOptions): Promise<void> {
  if (options.compare && !options.program)
    throw new UsageError('--compare needs --program <file>: the proposal to compare with the current program');
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new UsageError(`cannot read ${path}`);
  }
  const proposed = options.program ? await programFile(options.program) : PROGRAM;
  const simulations = options.compare
    ? [new Simulation(PROGRAM), new Simulation(proposed)]
    : [new Simulation(proposed)];
  await applyFile(path, size, simulations, options.quiet);
  const outcomes = simulations.map((simulation) => simulation.finish());
  if (options.compare) return printComparison(simulations, outcomes[0]!, outcomes[1]!, options.json);
  printStatements(simulations[0]!, outcomes[0]!, options.json);
}

async function programFile(path: string): Promise<Program> {
  try {
    return await readProgramFile(path);
  } catch (error) {
    if (error instanceof ProgramFileError) throw new UsageError(error.message);
    throw error;
  }
}

/** Reads the file once, applying each event to every simulation; lines are counted as read. */
async function applyFile(path: string, size: number, simulations: Simulation[], quiet?: boolean): Promise<void> {
  // The bar's total is estimated from the file size and corrected at the end.
  const bar =
    !quiet && size > 1_000_000
      ? new SingleBar({
          stream: process.stderr,
          format: 'simulating [{bar}] {percentage}% | {value} lines | {eta_formatted} left',
          noTTYOutput: true,
          notTTYSchedule: 5_000,
        })
      : undefined;
  const estimatedLines = Math.max(1, Math.round(size / averageLineBytes(path)));
  bar?.start(estimatedLines, 0);
  let lines = 0;
  for await (const events of readEvents(path)) {
    for (const event of events) {
      lines = event.line;
      for (const simulation of simulations) {
        if (event.problem) simulation.problems.push({ line: event.line, reason: event.problem });
        else simulation.apply(event.line, event.type!, event.raw);
      }
    }
    bar?.update(Math.min(lines, estimatedLines));
  }
  bar?.setTotal(lines);
  bar?.update(lines);
  bar?.stop();
}

function printStatements(simulation: Simulation, statements: Outcomes, json?: boolean): void {
  if (json) {
    return printJson({
      events: simulation.events,
      duplicates: simulation.duplicates,
      problems: simulation.problems,
      users: Object.fromEntries(statements),
    });
  }
  const rows = [...statements].flatMap(([userId, list]) =>
    list.map((s) => [
      userId,
      s.quarter,
      `v${s.programVersion}`,
      s.lines
        .map((l) => `${l.month.slice(5)}: ${l.eligiblePayments} × ${formatEuros(l.netSpendCents)} @${l.ratePercent}%`)
        .join('  '),
      s.adjustments.length ? formatHundredths(s.adjustments.reduce((sum, a) => sum + a.delta, 0)) : '',
      formatEuros(s.payableCents),
      s.carriedOut ? formatHundredths(s.carriedOut) : '',
    ]),
  );
  const head = ['user', 'quarter', 'program', 'months (count × net spend @ rate)', 'adjustments', 'paid', 'carried'];
  // A table for a screenful; plain tab-separated lines for large files (fast, and easy to grep or sort).
  if (rows.length > 200) process.stdout.write(`${[head, ...rows].map((r) => r.join('\t')).join('\n')}\n`);
  else if (rows.length) printTable(head, rows);
  const paid = [...statements.values()].flat().reduce((sum, s) => sum + s.payableCents, 0);
  process.stdout.write(
    `${simulation.events} events, ${statements.size} users, ${simulation.duplicates} duplicates, ` +
      `${simulation.problems.length} problems; ${formatEuros(paid)} paid in all\n`,
  );
  printProblems(simulation);
}

function printProblems(simulation: Simulation): void {
  for (const problem of simulation.problems.slice(0, 50))
    process.stderr.write(`line ${problem.line}: ${problem.reason}\n`);
  if (simulation.problems.length > 50)
    process.stderr.write(`... and ${simulation.problems.length - 50} more problems (--json lists all)\n`);
}

function printComparison(simulations: Simulation[], current: Outcomes, proposed: Outcomes, json?: boolean): void {
  const { quarters, users } = compare(current, proposed);
  if (json) {
    return printJson({
      events: simulations[0]!.events,
      problems: { current: simulations[0]!.problems.length, proposed: simulations[1]!.problems.length },
      quarters,
      users,
    });
  }
  const signed = (cents: number) => (cents > 0 ? `+${formatEuros(cents)}` : formatEuros(cents));
  const percent = (from: number, to: number) => (from ? ` (${(((to - from) / from) * 100).toFixed(1)} %)` : '');
  printTable(
    ['quarter', 'paid now', 'proposed', 'difference', 'users paid', 'average', 'users ±€1+'],
    quarters.map((q) => [
      q.quarter,
      formatEuros(q.current.paidCents),
      formatEuros(q.proposed.paidCents),
      signed(q.deltaCents) + percent(q.current.paidCents, q.proposed.paidCents),
      `${q.current.usersPaid} → ${q.proposed.usersPaid}`,
      `${formatEuros(q.current.averageCents)} → ${formatEuros(q.proposed.averageCents)}`,
      q.usersChanged,
    ]),
  );
  const total = (pick: (q: (typeof quarters)[number]) => number) => quarters.reduce((sum, q) => sum + pick(q), 0);
  const now = total((q) => q.current.paidCents);
  const then = total((q) => q.proposed.paidCents);
  process.stdout.write(
    `${simulations[0]!.events} events, ${current.size} users: ${formatEuros(now)} paid now, ` +
      `${formatEuros(then)} proposed, ${signed(then - now)}${percent(now, then)}; ` +
      `${users.length} user-quarters change (--json lists them)\n`,
  );
  printProblems(simulations[1]!);
}

/** Average bytes per line of the file's first 64 KiB. */
function averageLineBytes(path: string): number {
  const fd = openSync(path, 'r');
  const buffer = Buffer.alloc(65_536);
  const read = readSync(fd, buffer, 0, buffer.length, 0);
  closeSync(fd);
  const newlines = buffer.subarray(0, read).filter((byte) => byte === 10).length;
  return newlines ? read / newlines : 100;
}
