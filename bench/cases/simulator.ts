// Simulator: payments/s of `simulate` over a large CSV file, and its peak memory. Baseline: parsing the file alone.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CSV_COLUMNS } from '../../src/simulator/read-events.ts';
import type { BenchContext } from '../context.ts';
import { measureProcess as measure, row, type Row } from '../support.ts';

const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const parseOnly = fileURLToPath(new URL('../parse-only.ts', import.meta.url));

async function writeFile(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${CSV_COLUMNS.join(',')}\n`);
  const users = Math.max(1, Math.floor(rows / 100));
  const start = Date.UTC(2026, 0, 1);
  for (let i = 0; i < rows; i++) {
    // Time moves forward through the file (a year), users interleave, every 50th row is a partial refund.
    const at = new Date(start + Math.floor((i / rows) * 365 * 86_400_000)).toISOString();
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
  const dir = await mkdtemp(join(tmpdir(), 'seqr-bench-'));
  try {
    const file = join(dir, 'payments.csv');
    ctx.log(`simulator: writing ${rows} rows`);
    await writeFile(file, rows);
    const parse = await measure([parseOnly, file]);
    const simulate = await measure([cli, 'simulate', file, '--quiet']);
    return [
      row({
        case: 'simulator',
        metric: `rows/s (${rows} rows)`,
        value: rows / simulate.seconds,
        unit: '/s',
        baseline: { name: 'parse only', value: rows / parse.seconds },
      }),
      row({
        case: 'simulator',
        metric: 'peak memory',
        value: simulate.peakMiB,
        unit: 'MiB',
        baseline: { name: 'parse only', value: parse.peakMiB },
      }),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
