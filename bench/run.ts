// `npm run bench [-- --quick] [--only ingestion,storm,...] [--server dev|cluster|both]`: starts its own infrastructure, runs each case,
// prints a table of figures as ratios against baselines measured in the same run, and writes bench/results/*.json.
import { Client, Connection } from '@temporalio/client';
import Table from 'cli-table3';
import { Command, Option } from 'commander';
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { CashbackClient } from '../src/client/cashback-client.ts';
import { migrateDatabase } from '../src/db/orm.ts';
import { startLocalPostgres } from '../tools/infra/postgres.ts';
import { startTemporalCluster } from '../tools/infra/temporal-cluster.ts';
import { startDevServer } from '../tools/infra/temporal-servers.ts';
import type { Shape } from '../tools/infra/test-servers.ts';
import { startWorkerProcess } from '../tools/infra/worker-process.ts';
import { boundedState } from './cases/bounded-state.ts';
import { capacity } from './cases/capacity.ts';
import { encryption } from './cases/encryption.ts';
import { finance } from './cases/finance.ts';
import { rollout } from './cases/rollout.ts';
import { ingestion } from './cases/ingestion.ts';
import { simulator } from './cases/simulator.ts';
import { startup } from './cases/startup.ts';
import { spread } from './cases/spread.ts';
import { storm } from './cases/storm.ts';
import { workers } from './cases/workers.ts';
import type { BenchContext } from './context.ts';
import { runKeys, unencrypted } from './payload-keys.ts';
import type { Row } from './support.ts';

const cases = {
  ingestion,
  storm,
  spread,
  workers,
  capacity,
  state: boundedState,
  rollout,
  startup,
  simulator,
  finance,
  encryption,
} as const;
/** With --server both, these run on the production shape only: together they would take the full run past 30 minutes. */
const clusterOnly: readonly string[] = ['spread', 'workers', 'capacity', 'rollout', 'startup', 'encryption'];
const serverless: readonly string[] = ['simulator', 'finance'];
const options = new Command('bench')
  .option('--quick', 'small sizes, under 2 minutes (CI runs this)')
  .option('--only <cases>', `comma-separated: ${Object.keys(cases).join(', ')}`)
  .option(
    '--storm-users <n>',
    'users per storm round (storm, encryption) and in the spread storm (defaults 1,500 and 10,000; with --quick 300, encryption 200)',
    (v) => wholeNumber('--storm-users', v),
  )
  .option(
    '--rounds <n>',
    'alternating rounds of ours and its baseline in ingestion, the storm and encryption (default 2; the storm on the dev server 1)',
    (v) => wholeNumber('--rounds', v),
  )
  .addOption(
    new Option(
      '--server <shape>',
      'the Temporal server: the dev server, the cluster shape (temporal-server on PostgreSQL), or both',
    )
      .choices(['dev', 'cluster', 'both'])
      .default('both'),
  )
  .parse()
  .opts<{ quick?: boolean; only?: string; stormUsers?: number; rounds?: number; server: Shape | 'both' }>();
function wholeNumber(option: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${option} must be a positive whole number, got ${value}`);
  return n;
}

const selected = (options.only?.split(',') ?? Object.keys(cases)) as (keyof typeof cases)[];
for (const name of selected)
  if (!(name in cases)) throw new Error(`unknown case ${name}: choose from ${Object.keys(cases).join(', ')}`);

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const started = performance.now();
// One key ring for the whole run: every cashback worker and client encrypts, as in production.
const keys = runKeys('bench');
const shapes: Shape[] = options.server === 'both' ? ['dev', 'cluster'] : [options.server];
const rows: Row[] = [];
for (const [i, shape] of shapes.entries()) {
  // The simulator and finance need no Temporal server: once is enough.
  const here = selected.filter(
    (name) =>
      (!serverless.includes(name) || i === 0) &&
      (shapes.length === 1 || shape === 'cluster' || !clusterOnly.includes(name)),
  );
  const label = (name: string) => (shapes.length > 1 && !serverless.includes(name) ? `${name} [${shape}]` : name);
  rows.push(...(await runOn(shape, here, label)));
}

/** Starts PostgreSQL, a Temporal server of `shape`, the cashback and no-op workers; runs the cases; stops it all. */
async function runOn(shape: Shape, names: (keyof typeof cases)[], label: (name: string) => string): Promise<Row[]> {
  log(`server shape: ${shape}`);
  const database = await startLocalPostgres();
  await migrateDatabase(database.url);
  const server =
    shape === 'cluster' ? await startTemporalCluster({ postgresUrl: database.url }) : await startDevServer();
  const cashbackQueue = 'bench-cashback';
  const noopQueue = 'bench-noop';
  const workerEnv = {
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: cashbackQueue,
    DATABASE_URL: database.url,
    LOG_LEVEL: 'INFO',
    ...keys.env,
  };
  const worker = await startWorkerProcess(workerEnv);
  // Temporal's own floor, unencrypted (the SDK's default converter): see noop-worker.ts.
  const noopWorker = await startWorkerProcess(
    { TEMPORAL_ADDRESS: server.address, TEMPORAL_TASK_QUEUE: noopQueue },
    fileURLToPath(new URL('./noop-worker.ts', import.meta.url)),
  );
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, dataConverter: keys.dataConverter });
  const plainClient = new Client({ connection, dataConverter: unencrypted.dataConverter });
  const pool = new pg.Pool({ connectionString: database.url, max: 16 });
  const ctx: BenchContext = {
    quick: Boolean(options.quick),
    stormUsers: options.stormUsers,
    rounds: options.rounds,
    client,
    plainClient,
    cashback: new CashbackClient(client, cashbackQueue),
    pool,
    databaseUrl: database.url,
    address: server.address,
    cashbackQueue,
    noopQueue,
    worker,
    workerEnv,
    engine: {
      server: server.pid === undefined ? [] : [server.pid],
      postgres: database.pid === undefined ? [] : [database.pid],
      workers: [worker.child.pid!, noopWorker.child.pid!],
    },
    shape,
    tag: randomUUID().slice(0, 8),
    log,
  };
  const results: Row[] = [];
  try {
    for (const name of names) {
      const caseStarted = performance.now();
      try {
        results.push(...(await cases[name](ctx)).map((row) => ({ ...row, case: label(row.case) })));
      } catch (error) {
        // One failing case must not lose the others' figures: it is reported in the table and fails the run.
        process.exitCode = 1;
        results.push({
          case: label(name),
          metric: 'FAILED',
          value: Number.NaN,
          unit: '',
          note: error instanceof Error ? error.message.slice(0, 200) : String(error),
        });
      }
      log(`${label(name)} done in ${((performance.now() - caseStarted) / 1000).toFixed(0)} s`);
    }
  } finally {
    await pool.end();
    await connection.close();
    for (const w of [worker, noopWorker]) await w.stop();
    await server.stop();
    await database.stop();
  }
  return results;
}

const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(Math.abs(n) >= 10 ? 1 : 2));
const table = new Table({ head: ['case', 'metric', 'value', 'baseline', 'ratio', 'note'] });
for (const r of rows) {
  table.push([
    r.case,
    r.metric,
    `${fmt(r.value)} ${r.unit}`,
    r.baseline ? `${r.baseline.name}: ${fmt(r.baseline.value)} ${r.unit}` : '',
    r.ratio === undefined ? '' : `${(r.ratio * 100).toFixed(0)} %`,
    r.note ?? '',
  ]);
}
const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `${table.toString()}\n${options.quick ? 'quick run' : 'full run'} on ${machine}, ${seconds.toFixed(0)} s\n`,
);
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
await mkdir(resultsDir, { recursive: true });
await writeFile(
  `${resultsDir}${options.quick ? 'quick' : 'full'}-latest.json`,
  JSON.stringify(
    { at: new Date().toISOString(), machine, seconds, quick: Boolean(options.quick), shapes, rows },
    null,
    2,
  ),
);
