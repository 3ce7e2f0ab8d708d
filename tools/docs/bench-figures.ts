// The figures of docs/performance.md and docs/capacity.md, rendered from the bench's results rather than typed: each
// table names the run it comes from (date, machine, what ran). The results the pages show are committed in
// docs/bench/ (bench/results/ is each machine's own and not in git); `npm run docs -- --from-bench-results` takes the
// latest run's files from bench/results/ first.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Row } from '../../bench/support.ts';
import { fillBetween, table, wrap } from './markdown.ts';

/** What `npm run bench` writes to bench/results/<full|quick>-latest.json (bench/run.ts). */
export interface BenchResults {
  /** When the run ended, ISO-8601. */
  at: string;
  machine: string;
  seconds: number;
  quick: boolean;
  shapes: string[];
  rows: Row[];
}

export const benchResultFiles = ['full-latest.json', 'quick-latest.json'] as const;
/** The results the committed pages show. */
export const committedResultsDir = fileURLToPath(new URL('../../docs/bench/', import.meta.url));
export const benchResultsDir = fileURLToPath(new URL('../../bench/results/', import.meta.url));
export const performancePage = fileURLToPath(new URL('../../docs/performance.md', import.meta.url));
export const capacityPage = fileURLToPath(new URL('../../docs/capacity.md', import.meta.url));

/** The runs in `dir`, the full run first; a run that has no file there is left out. */
export function readBenchResults(dir = committedResultsDir): BenchResults[] {
  return benchResultFiles
    .map((name) => `${dir}${name}`)
    .filter((file) => existsSync(file))
    .map((file) => JSON.parse(readFileSync(file, 'utf8')) as BenchResults);
}

/** A row's case without the shape label the bench adds when it runs both shapes: "storm [cluster]" is "storm". */
const caseOf = (row: Row) => row.case.replace(/ \[.*\]$/, '');

/** Numbers as the bench prints them: three significant digits or so. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return '—';
  return Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(Math.abs(n) >= 10 ? 1 : 2);
}

const withUnit = (n: number, unit: string) => (unit ? `${formatNumber(n)} ${unit}` : formatNumber(n));

function runLine(run: BenchResults): string {
  const when = `${run.at.slice(0, 10)} ${run.at.slice(11, 16)} UTC`;
  const kind = run.quick ? 'Quick run (`npm run bench -- --quick`)' : 'Full run (`npm run bench`)';
  const cases = [...new Set(run.rows.map(caseOf))].join(', ');
  return wrap(
    `**${kind}**, ended ${when} on ${run.machine}; ${formatNumber(run.seconds)} s end to end; ` +
      `server shape: ${run.shapes.join(', ')}; cases: ${cases}.`,
  );
}

function figuresTable(rows: Row[]): string {
  return table(
    ['case', 'metric', 'value', 'baseline (same run)', 'ours ÷ baseline', 'note'],
    rows.map((r) => [
      r.case,
      r.metric,
      Number.isFinite(r.value) ? withUnit(r.value, r.unit) : 'FAILED',
      r.baseline ? `${r.baseline.name}: ${withUnit(r.baseline.value, r.unit)}` : '',
      r.ratio === undefined ? '' : `${(r.ratio * 100).toFixed(0)} %`,
      r.note ?? '',
    ]),
    ['l', 'l', 'r', 'l', 'r', 'l'],
  );
}

/** docs/performance.md's figures: every case but capacity, one table per run. */
export function renderPerformanceFigures(runs: BenchResults[]): string {
  const parts = runs.map((run) => {
    const rows = run.rows.filter((r) => caseOf(r) !== 'capacity');
    return `${runLine(run)}\n\n${rows.length ? figuresTable(rows) : 'This run holds only the capacity case.'}`;
  });
  return parts.length ? parts.join('\n\n') : 'No bench results are committed yet (`docs/bench/`).';
}

/** What the projection assumes: Seqr's target size. */
export const projection = {
  users: 1_000_000,
  paymentsPerUserMonth: 20,
  /** Seconds in a month, for rates. */
  monthSeconds: 30 * 86_400,
  /** A run closes at its rollover, about once a quarter, and is deleted 30 days later (the namespace's retention). */
  monthsOfHistoryHeld: 4,
} as const;

/** docs/capacity.md's figures: the capacity case's rows of the latest run that has them, and the projection. */
export function renderCapacityFigures(runs: BenchResults[]): string {
  const run = runs.find((r) => r.rows.some((row) => caseOf(row) === 'capacity'));
  if (!run)
    return wrap(
      'No committed run holds the `capacity` case yet: run `npm run bench -- --only capacity,workers --server cluster`, ' +
        'then `npm run docs -- --from-bench-results`.',
    );
  const rows = run.rows.filter((r) => caseOf(r) === 'capacity');
  const measured = (metric: string) => rows.find((r) => r.metric === metric)?.value;
  const workers = run.rows.find((r) => caseOf(r) === 'workers' && r.metric.startsWith('payouts/s, 1 worker'));
  return `${runLine(run)}\n\n${figuresTable(rows)}\n\n${projectionTable({
    actionsPerPayment: measured('billable actions per payment'),
    actionsPerUserQuarter: measured('billable actions per user-quarter'),
    postgresMiBPer10kPayments: measured('PostgreSQL MiB per 10,000 payments'),
    ourBytesPerUserQuarter: measured('our PostgreSQL bytes per user-quarter'),
    workerMsPerPayment: measured('worker CPU-ms per payment'),
    workerMsPerUserQuarter: measured('worker CPU-ms per user-quarter'),
    payoutsPerSecondOneWorker: workers?.value,
  })}`;
}

export interface CapacityInputs {
  actionsPerPayment: number | undefined;
  actionsPerUserQuarter: number | undefined;
  postgresMiBPer10kPayments: number | undefined;
  ourBytesPerUserQuarter: number | undefined;
  workerMsPerPayment: number | undefined;
  workerMsPerUserQuarter: number | undefined;
  payoutsPerSecondOneWorker: number | undefined;
}

/** The projection to `projection.users` users, from the measured figures; a line whose inputs were not measured is left out. */
export function projectionTable(m: CapacityInputs): string {
  const { users, paymentsPerUserMonth, monthSeconds, monthsOfHistoryHeld } = projection;
  const payments = users * paymentsPerUserMonth;
  /** A third of the users' quarters close in an average month. */
  const userQuarters = users / 3;
  const millions = (n: number) => `${(n / 1e6).toFixed(1)} M`;
  const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;
  const lines: [string, string, string][] = [];
  const { actionsPerPayment: a, actionsPerUserQuarter: q } = m;
  if (a !== undefined && q !== undefined) {
    const actions = payments * a + userQuarters * q;
    lines.push(['Temporal actions a month', millions(actions), 'payments × actions per payment + user-quarters × actions per quarter']);
    lines.push(['actions a second, sustained', formatNumber(actions / monthSeconds), 'the month\'s actions spread evenly']);
    lines.push(['actions per payment against the floor of one', `${a.toFixed(2)}; ${(actions / payments).toFixed(2)} with payouts`, 'the floor: one signal a payment']);
  }
  if (m.postgresMiBPer10kPayments !== undefined) {
    const perMonth = ((m.postgresMiBPer10kPayments * 2 ** 20) / 10_000) * payments;
    lines.push(['PostgreSQL growth a month, payments', gb(perMonth), 'mostly Temporal\'s history']);
    lines.push([`Temporal's history held (${monthsOfHistoryHeld} months)`, gb(perMonth * monthsOfHistoryHeld), 'closed runs are deleted after the retention']);
  }
  if (m.ourBytesPerUserQuarter !== undefined)
    lines.push(['our database a year', gb(users * 4 * m.ourBytesPerUserQuarter), 'a statement and a ledger entry per user-quarter, kept']);
  if (m.workerMsPerPayment !== undefined && m.workerMsPerUserQuarter !== undefined) {
    const cores = (payments * m.workerMsPerPayment + userQuarters * m.workerMsPerUserQuarter) / 1000 / monthSeconds;
    lines.push(['worker CPU, average', `${cores.toFixed(2)} cores`, 'memory, not CPU, sizes a worker']);
  }
  if (m.payoutsPerSecondOneWorker !== undefined)
    lines.push(['every user due at one instant, one worker', `${formatNumber(users / m.payoutsPerSecondOneWorker / 3600)} h`, 'the payout window spreads this over a day instead']);
  const assumptions = `${users.toLocaleString('en')} users, ${paymentsPerUserMonth} payments a month each (${millions(payments)} payments a month)`;
  return `${wrap(`Projection to ${assumptions}:`)}\n\n${table(['for the program', 'projected', 'how'], lines, ['l', 'r', 'l'])}`;
}

/** docs/performance.md and docs/capacity.md as the generator renders them from the runs in `dir`. */
export function benchPages(dir = committedResultsDir): { file: string; text: string }[] {
  const runs = readBenchResults(dir);
  return [
    { file: performancePage, body: renderPerformanceFigures(runs) },
    { file: capacityPage, body: renderCapacityFigures(runs) },
  ].map(({ file, body }) => ({ file, text: fillBetween(readFileSync(file, 'utf8'), 'bench', body, file) }));
}
