// `npm start`: everything the engine needs on embedded defaults (PostgreSQL, the Temporal dev server with its UI,
// migrations) and the worker process. With TEMPORAL_ADDRESS and DATABASE_URL set, it runs only the worker against them.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { migrateDatabase } from '../db/orm.ts';
import { LOCAL_PG_PORT, startEmbeddedPostgres, type RunningPostgres } from '../infra/postgres.ts';
import { MissingToolError, note } from '../infra/steps.ts';
import { startDevServer } from '../infra/temporal-servers.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dataDir = process.env.SEQR_DATA_DIR ?? `${root}.data`;
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

async function main(): Promise<void> {
  const cleanups: (() => Promise<void>)[] = [];
  let worker: ChildProcess | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    note('stopping ...');
    if (worker && worker.exitCode === null) {
      worker.kill('SIGTERM');
      await new Promise((resolve) => worker!.once('exit', resolve));
    }
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => note(`cleanup: ${String(error)}`));
    note('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  await mkdir(dataDir, { recursive: true });
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const pg: RunningPostgres = await startEmbeddedPostgres({ dataDir: `${dataDir}/postgres`, port: port('PG_PORT', LOCAL_PG_PORT) });
    cleanups.push(() => pg.stop());
    databaseUrl = pg.url;
  }
  const applied = await migrateDatabase(databaseUrl);
  note(`database ready (${applied.length} migrations applied now)`);

  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  let uiUrl = process.env.TEMPORAL_UI_URL;
  if (!temporalAddress) {
    const uiPort = port('TEMPORAL_UI_PORT', 8233);
    const env: TestWorkflowEnvironment = await startDevServer({ dbFilename: `${dataDir}/temporal.sqlite`, port: port('TEMPORAL_PORT', 7233), uiPort });
    cleanups.push(() => env.teardown());
    temporalAddress = env.address;
    uiUrl = `http://localhost:${uiPort}`;
  }

  worker = spawn(process.execPath, [fileURLToPath(new URL('../worker/main.ts', import.meta.url))], {
    stdio: 'inherit',
    env: { ...process.env, DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporalAddress },
  });
  worker.once('exit', (code) => {
    if (!stopping) {
      note(`worker exited with code ${code}`);
      void stop(code ?? 1);
    }
  });
  note(`Temporal: ${temporalAddress}${uiUrl ? `   UI: ${uiUrl}` : ''}`);
  note(`PostgreSQL: ${databaseUrl.replace(/:[^:@/]+@/, ':***@')}`);
  note('running; Ctrl-C stops everything');
}

main().catch((error: unknown) => {
  note(`error: ${error instanceof MissingToolError || error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
