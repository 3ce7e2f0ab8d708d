// `npm start`: the engine on local servers: PostgreSQL, a Temporal server with its web UI, migrations, and the worker
// processes. Two shapes: the dev server (default: one process, SQLite), or with --cluster the production shape
// (temporal-server on PostgreSQL with history shards, the UI server, several workers). Beside them: the HTTP front door
// and the payout notifier; and, with payload encryption on (the default), the codec server the UI decodes payloads
// with, under a key ring made in the data directory on the first run. With DATABASE_URL, or a Temporal address (TEMPORAL_ADDRESS or a profile), it uses those
// instead of starting its own.
// Every child runs in its own process group: a terminal's Ctrl-C reaches only this launcher, which stops them in order
// (the workers drain first, then the servers they need).
import { Command, InvalidArgumentError } from 'commander';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dataDirOf, localKeyFile, readEnvironment } from '../../src/config/environment.ts';
import { migrateDatabase } from '../../src/db/orm.ts';
import { localDataDir, startLocalPostgres } from './postgres.ts';
import { startProcess } from './processes.ts';
import { ensureKeyFile } from '../../src/codec/key-file.ts';
import { note } from './steps.ts';
import { startTemporalCluster } from './temporal-cluster.ts';
import { startDevServer, type DevServer } from './temporal-servers.ts';
import { WORKER_NODE_ARGS } from '../../src/worker/node-args.ts';

const workerMain = fileURLToPath(new URL('../../src/bin/worker.ts', import.meta.url));
const ingestMain = fileURLToPath(new URL('../../src/bin/ingest.ts', import.meta.url));
const notifierMain = fileURLToPath(new URL('../../src/bin/notifier.ts', import.meta.url));
const codecMain = fileURLToPath(new URL('../../src/bin/codec-server.ts', import.meta.url));

const positive = (what: string) => (value: string) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError(`${what} must be a whole number ≥ 1`);
  return number;
};
const options = new Command('npm start --')
  .description('Run the cashback engine on local servers (Ctrl-C stops everything)')
  .option('--cluster', 'the production shape: temporal-server on PostgreSQL with history shards, several workers')
  .option('--workers <count>', 'worker processes (default: 2 with --cluster, else 1)', positive('--workers'))
  .option('--shards <count>', 'history shards of the cluster (fixed once its database exists)', positive('--shards'), 4)
  .parse()
  .opts<{ cluster?: boolean; workers?: number; shards: number }>();

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
  const dataDir = dataDirOf(env);
  await mkdir(dataDir, { recursive: true });
  const keys = await payloadKeys(env);

  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    const pg = await startLocalPostgres({ dataDir: await localDataDir(`${dataDir}/postgres`), port: env.PG_PORT });
    running.push({ name: 'PostgreSQL', stop: () => pg.stop() });
    databaseUrl = pg.url;
  }
  const applied = await migrateDatabase(databaseUrl);
  note(`database ready (${applied.length} migrations applied now)`);

  // The UI's browser calls the codec server: same host name as the UI's, so that its cookie (CODEC_TOKEN's /login)
  // goes with the calls.
  const codecEndpoint = keys ? `http://localhost:${env.CODEC_PORT}` : undefined;
  if (keys)
    await startNodeProgram('codec server', codecMain, 'codec server:', {
      ...keys,
      CODEC_CORS_ORIGINS:
        process.env.CODEC_CORS_ORIGINS ||
        `http://localhost:${env.TEMPORAL_UI_PORT},http://127.0.0.1:${env.TEMPORAL_UI_PORT}`,
    });

  let temporal: Pick<DevServer, 'address' | 'uiUrl'> = { address: env.temporal.address };
  if (!env.temporalConfigured) {
    const server = options.cluster
      ? await startTemporalCluster({
          postgresUrl: databaseUrl,
          numHistoryShards: options.shards,
          port: env.TEMPORAL_PORT,
          uiPort: env.TEMPORAL_UI_PORT,
          ...(codecEndpoint ? { codecEndpoint } : {}),
        })
      : await startDevServer({
          dbFilename: `${dataDir}/temporal.sqlite`,
          port: env.TEMPORAL_PORT,
          uiPort: env.TEMPORAL_UI_PORT,
          ...(codecEndpoint ? { codecEndpoint } : {}),
        });
    running.push({ name: options.cluster ? 'temporal-server' : 'Temporal dev server', stop: () => server.stop() });
    temporal = server;
  }

  const workers = options.workers ?? (options.cluster ? 2 : 1);
  for (let i = 1; i <= workers; i++) await startWorker(i, databaseUrl, temporal.address, keys, env.METRICS_PORT);
  await startIngest(temporal.address, keys);
  await startNodeProgram('notifier', notifierMain, 'notifier ready', { DATABASE_URL: databaseUrl });
  note(
    `Temporal: ${temporal.address}${temporal.uiUrl ? `   UI: ${temporal.uiUrl}` : ''}${options.cluster ? `   (temporal-server, ${options.shards} history shards)` : ''}`,
  );
  note(
    codecEndpoint
      ? `payloads encrypted (key ring ${keys?.PAYLOAD_KEY_FILE ?? 'from the environment'}); codec server: ${codecEndpoint}`
      : 'payloads in clear (PAYLOAD_ENCRYPTION=off)',
  );
  note(`PostgreSQL: ${databaseUrl.replace(/:[^:@/]+@/, ':***@')}`);
  note(`${workers} worker${workers > 1 ? 's' : ''} on task queue ${env.TEMPORAL_TASK_QUEUE}`);
  note(
    env.NOTIFY_WEBHOOK_URL
      ? `payout notifications to ${new URL(env.NOTIFY_WEBHOOK_URL).origin}`
      : 'payout notifications wait in the outbox (no NOTIFY_WEBHOOK_URL): npm run cli -- notifications',
  );
  note('running; Ctrl-C stops everything');
}

/** Starts one of our own Node programs (a worker, the HTTP front door), echoes its output, and stops all if it dies. */
async function startNodeProgram(
  name: string,
  main: string,
  ready: string,
  env: NodeJS.ProcessEnv,
  nodeArgs: string[] = [],
): Promise<void> {
  const child = await startProcess({
    name,
    command: process.execPath,
    args: [...nodeArgs, main],
    echo: true,
    detached: true,
    ready,
    timeoutMs: 120_000,
    env: { ...process.env, ...env },
  });
  running.push({ name, stop: () => child.stop('SIGTERM') });
  void child.exited.then(({ code, signal }) => {
    if (stopping) return;
    note(`${name} exited (${code ?? signal})`);
    void stopAll(code || 1);
  });
}

/**
 * With encryption on, what the processes need to find the key ring: nothing when the environment names one, else the
 * data directory's key file, made on the first run. Undefined with encryption off.
 */
async function payloadKeys(env: ReturnType<typeof readEnvironment>): Promise<Record<string, string> | undefined> {
  if (env.PAYLOAD_ENCRYPTION === 'off') return undefined;
  if (env.PAYLOAD_KEYS || env.PAYLOAD_KEY_FILE) return {};
  const file = localKeyFile(env);
  if (await ensureKeyFile(file)) note(`payload key ring created: ${file} (mode 0600; keep it, it decrypts this data)`);
  return { PAYLOAD_KEY_FILE: file };
}

/** Worker `index`; its log goes to our terminal: readable lines there, JSON when our output is a file or a pipe. */
function startWorker(
  index: number,
  databaseUrl: string,
  temporalAddress: string,
  keys: Record<string, string> | undefined,
  metricsPort?: number,
): Promise<void> {
  const terminal = Boolean(process.stdout.isTTY);
  return startNodeProgram(
    `worker ${index}`,
    workerMain,
    'worker ready',
    {
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      ...keys,
      LOG_FORMAT: process.env.LOG_FORMAT || (terminal ? 'pretty' : 'json'),
      // One build runs locally: it becomes the deployment's current build (docs/releasing.md).
      WORKER_SET_CURRENT: process.env.WORKER_SET_CURRENT || 'always',
      // Workers on one machine cannot share a port: METRICS_PORT for the first, the next ones above it.
      ...(metricsPort ? { METRICS_PORT: String(metricsPort + index - 1) } : {}),
      ...(terminal && !process.env.NO_COLOR ? { FORCE_COLOR: '1' } : {}),
    },
    WORKER_NODE_ARGS,
  );
}

/** The HTTP front door (src/http/), which prints its address in a line of its own ("HTTP ingestion: ..."). */
function startIngest(temporalAddress: string, keys: Record<string, string> | undefined): Promise<void> {
  return startNodeProgram('HTTP ingestion', ingestMain, 'HTTP ingestion:', {
    TEMPORAL_ADDRESS: temporalAddress,
    ...keys,
  });
}

main().catch(async (error: unknown) => {
  note(`error: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll(1);
});
