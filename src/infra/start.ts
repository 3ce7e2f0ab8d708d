// `npm start`: the engine on local servers: PostgreSQL, the Temporal dev server with its web UI, migrations, and the
// worker process. With DATABASE_URL, or a Temporal address (TEMPORAL_ADDRESS or a profile), it uses those instead.
// Every child runs in its own process group: a terminal's Ctrl-C reaches only this launcher, which stops them in order
// (the worker drains first, then the servers it needs).
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { readEnvironment } from '../config/environment.ts';
import { migrateDatabase } from '../db/orm.ts';
import { localDataDir, startLocalPostgres } from './postgres.ts';
import { startProcess } from './processes.ts';
import { note } from './steps.ts';
import { startDevServer } from './temporal-servers.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const workerMain = fileURLToPath(new URL('../worker/main.ts', import.meta.url));

/** What to stop, newest first. */
const running: { name: string; stop: () => Promise<void> }[] = [];
let stopping = false;

async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    note('stopping ...');
    for (const child of running.reverse())
      await child.stop().catch((error: unknown) => note(`stopping ${child.name}: ${String(error)}`));
    note('stopped');
  }
  process.exit(code);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  const env = readEnvironment();
  const dataDir = env.SEQR_DATA_DIR ?? `${root}.data`;
  await mkdir(dataDir, { recursive: true });

  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    const pg = await startLocalPostgres({ dataDir: await localDataDir(`${dataDir}/postgres`), port: env.PG_PORT });
    running.push({ name: 'PostgreSQL', stop: () => pg.stop() });
    databaseUrl = pg.url;
  }
  const applied = await migrateDatabase(databaseUrl);
  note(`database ready (${applied.length} migrations applied now)`);

  let temporalAddress = env.temporal.address;
  let uiUrl: string | undefined;
  if (!env.temporalConfigured) {
    const server = await startDevServer({
      dbFilename: `${dataDir}/temporal.sqlite`,
      port: env.TEMPORAL_PORT,
      uiPort: env.TEMPORAL_UI_PORT,
    });
    running.push({ name: 'Temporal dev server', stop: () => server.stop() });
    ({ address: temporalAddress, uiUrl } = server);
  }

  // The worker's log goes to our terminal: readable lines there, JSON when our output is a file or a pipe.
  const terminal = Boolean(process.stdout.isTTY);
  const worker = await startProcess({
    name: 'worker',
    command: process.execPath,
    args: [workerMain],
    echo: true,
    detached: true,
    ready: 'worker ready',
    timeoutMs: 120_000,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      LOG_FORMAT: env.LOG_FORMAT ?? (terminal ? 'pretty' : 'json'),
      ...(terminal && !process.env.NO_COLOR ? { FORCE_COLOR: '1' } : {}),
    },
  });
  running.push({ name: 'worker', stop: () => worker.stop('SIGTERM') });
  void worker.exited.then(({ code, signal }) => {
    if (stopping) return;
    note(`worker exited (${code ?? signal})`);
    void stopAll(code || 1);
  });
  note(`Temporal: ${temporalAddress}${uiUrl ? `   UI: ${uiUrl}` : ''}`);
  note(`PostgreSQL: ${databaseUrl.replace(/:[^:@/]+@/, ':***@')}`);
  note('running; Ctrl-C stops everything');
}

main().catch(async (error: unknown) => {
  note(`error: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll(1);
});
