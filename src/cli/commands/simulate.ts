// `simulate <file>`: each user's statements from a file of events, offline, with a progress bar on large files.
import { SingleBar } from 'cli-progress';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { formatEuros, formatHundredths } from '../../domain/money.ts';
import { readEvents } from '../../simulator/read-events.ts';
import { Simulation } from '../../simulator/simulation.ts';
import type { ProgramConfig } from '../../domain/config.ts';
import { printJson, printTable, UsageError } from '../output.ts';

export async function simulateCommand(
  program: ProgramConfig,
  path: string,
  options: { json?: boolean; quiet?: boolean },
): Promise<void> {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new UsageError(`cannot read ${path}`);
  }
  const simulation = new Simulation(program);
  // Lines are counted as read; the bar's total is estimated from the file size and corrected at the end.
  const bar =
    !options.quiet && size > 1_000_000
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
  for await (const event of readEvents(path)) {
    lines = event.line;
    if (event.problem) simulation.problems.push({ line: event.line, reason: event.problem });
    else simulation.apply(event.line, event.type!, event.raw);
    if (bar && lines % 10_000 === 0) bar.update(Math.min(lines, estimatedLines));
  }
  bar?.setTotal(lines);
  bar?.update(lines);
  bar?.stop();
  const statements = simulation.finish();
  if (options.json) {
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
      s.lines
        .map((l) => `${l.month.slice(5)}: ${l.eligiblePayments} × ${formatEuros(l.netSpendCents)} @${l.ratePercent}%`)
        .join('  '),
      s.adjustments.length ? formatHundredths(s.adjustments.reduce((sum, a) => sum + a.delta, 0)) : '',
      formatEuros(s.payableCents),
      s.carriedOut ? formatHundredths(s.carriedOut) : '',
    ]),
  );
  const head = ['user', 'quarter', 'months (count × net spend @ rate)', 'adjustments', 'paid', 'carried'];
  // A table for a screenful; plain tab-separated lines for large files (fast, and easy to grep or sort).
  if (rows.length > 200) process.stdout.write(`${[head, ...rows].map((r) => r.join('\t')).join('\n')}\n`);
  else if (rows.length) printTable(head, rows);
  const paid = [...statements.values()].flat().reduce((sum, s) => sum + s.payableCents, 0);
  process.stdout.write(
    `${simulation.events} events, ${statements.size} users, ${simulation.duplicates} duplicates, ` +
      `${simulation.problems.length} problems; ${formatEuros(paid)} paid in all\n`,
  );
  for (const problem of simulation.problems.slice(0, 50))
    process.stderr.write(`line ${problem.line}: ${problem.reason}\n`);
  if (simulation.problems.length > 50)
    process.stderr.write(`... and ${simulation.problems.length - 50} more problems (--json lists all)\n`);
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
