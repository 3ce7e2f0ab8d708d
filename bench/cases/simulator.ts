// Simulator: rows/s of `simulate` over a large CSV file against parsing the same file alone; its peak memory over a year
// against half a year of the same users (flat when closed quarters are dropped); and `--compare` against a single run.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CSV_COLUMNS } from '../../src/simulator/read-events.ts';
import type { BenchContext } from '../context.ts';
import { measureProcess as measure, row, type Row } from '../support.ts';

const cli = fileURLToPath(new URL('../../src/bin/cli.ts', import.meta.url));
const parseOnly = fileURLToPath(new URL('../parse-only.ts', import.meta.url));
const proposed = fileURLToPath(new URL('../../examples/program-proposed.json', import.meta.url));
const DAY_MS = 86_400_000;

/** `rows` events of `users` users over `days` from 2026-01-01, in time order; every 50th row is a partial refund. */
async function writeFile(path: string, rows: number, users: number, days: number): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${CSV_COLUMNS.join(',')}\n`);
  const start = Date.UTC(2026, 0, 1);
  for (let i = 0; i < rows; i++) {
    const at = new Date(start + Math.floor((i / rows) * days * DAY_MS)).toISOString();
    const line =
      i % 50 === 49
        ? `refund,r${i},u${(i - 1) % users},p${i - 1},100,EUR,,,${at}`
        : `payment,p${i},u${i % users},,${500 + (i % 20_000)},EUR,${i % 10 === 0 ? 'p2p' : 'in_store'},seqr_account,${at}`;
    if (!out.write(`${line}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

export async function simulator(ctx: BenchContext): Promise<Row[]> {
  const rows = ctx.quick ? 50_000 : 1_000_000;
  const users = rows / 100;
  const dir = await mkdtemp(join(tmpdir(), 'seqr-bench-'));
  try {
    const year = join(dir, 'year.csv');
    const halfYear = join(dir, 'half-year.csv');
    ctx.log(`simulator: writing ${rows} rows of ${users} users over a year, and half of them over half a year`);
    await writeFile(year, rows, users, 365);
    await writeFile(halfYear, rows / 2, users, 182);
    const parse = await measure([parseOnly, year]);
    const single = await measure([cli, 'simulate', year, '--quiet']);
    const half = await measure([cli, 'simulate', halfYear, '--quiet']);
    const compare = await measure([cli, 'simulate', year, '--program', proposed, '--compare', '--quiet']);
    return [
      row({
        case: 'simulator',
        metric: `rows/s (${rows} rows)`,
        value: rows / single.seconds,
        unit: '/s',
        baseline: { name: 'parse only', value: rows / parse.seconds },
      }),
      row({
        case: 'simulator',
        metric: 'peak memory',
        value: single.peakMiB,
        unit: 'MiB',
        baseline: { name: 'parse only', value: parse.peakMiB },
      }),
      row({
        case: 'simulator',
        metric: `peak memory, a year (${rows} rows)`,
        value: single.peakMiB,
        unit: 'MiB',
        baseline: { name: `half a year, same ${users} users`, value: half.peakMiB },
      }),
      row({
        case: 'simulator',
        metric: '--compare time',
        value: compare.seconds,
        unit: 's',
        baseline: { name: 'single run', value: single.seconds },
      }),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
