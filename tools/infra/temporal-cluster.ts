// The production shape, natively: `temporal-server` on PostgreSQL (persistence and SQL visibility, N history shards)
// with the configuration in deploy/temporal/ (the same files docker-compose.yml mounts), its schema tool, the web UI
// server, the namespace and our search attributes. Every program is built from the Go module proxy once (go-install.ts).
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { withSession } from '../../src/db/pg-session.ts';
import { cashbackSearchAttributes } from '../../src/workflows/search-attributes.ts';
import { cachedBinary, goInstall, moduleSource, type GoProgram } from './go-install.ts';
import { freePortBlock } from './ports.ts';
import { ensureDatabase } from './postgres.ts';
import { startProcess } from './processes.ts';
import { isExecutable, run } from './run-command.ts';
import { cacheDir, step } from './steps.ts';
import { temporalCliPath } from './temporal-cli.ts';
import { cliTypeName, type DevServer } from './temporal-servers.ts';

const deploy = fileURLToPath(new URL('../../deploy/', import.meta.url));
export const serverConfigFile = join(deploy, 'temporal', 'server.yaml');
export const dynamicConfigFile = join(deploy, 'temporal', 'dynamic-config.yaml');

/** v1.30.x builds with this machine's Go 1.26.8 (it needs >= 1.25.8); v1.31 and later need Go >= 1.26.10. */
export const SERVER_VERSION = 'v1.30.4';
const serverHome = join(cacheDir, 'go', `temporal-server-${SERVER_VERSION}`);
export const temporalServer: GoProgram = {
  what: `the Temporal server ${SERVER_VERSION}`,
  module: `go.temporal.io/server/cmd/server@${SERVER_VERSION}`,
  bin: serverHome,
  binary: 'server',
  needsGo: '>= 1.25.8',
};
export const temporalSqlTool: GoProgram = {
  ...temporalServer,
  what: `the Temporal schema tool ${SERVER_VERSION}`,
  module: `go.temporal.io/server/cmd/tools/sql@${SERVER_VERSION}`,
  binary: 'sql',
};
/** The UI server's module ships the built web assets; v2.42.1 is the UI the dev server embeds. */
export const UI_VERSION = 'v2.42.1';
export const temporalUiServer: GoProgram = {
  what: 'the Temporal web UI server v2.42.1',
  module: `github.com/temporalio/ui-server/v2/cmd/server@${UI_VERSION}`,
  bin: join(cacheDir, 'go', 'temporal-ui-server-v2.42.1'),
  binary: 'server',
  needsGo: '>= 1.25',
};
/** PostgreSQL schemas from the server's module source, copied beside the binaries so a cleaned module cache is fine. */
const schemaDir = join(serverHome, 'schema', 'postgresql', 'v12');

/** Builds (once) the server, its schema tool and the UI server, and keeps the schemas. */
export async function provisionCluster(): Promise<void> {
  await goInstall(temporalServer);
  if (!(await isExecutable(cachedBinary(temporalSqlTool)))) {
    await goInstall(temporalSqlTool);
    const source = await moduleSource(`go.temporal.io/server@${SERVER_VERSION}`);
    await cp(join(source, 'schema', 'postgresql', 'v12'), schemaDir, { recursive: true });
  }
  await goInstall(temporalUiServer);
}

/** The offsets serverEnvironment() puts the services' ports at. */
export const PORT_OFFSETS = [0, 1, 2, 6, 10, -300, -299, -298, -294];

export interface ClusterOptions {
  /** The PostgreSQL server Temporal's two databases live on, as an admin URL (any database). */
  postgresUrl: string;
  numHistoryShards?: number;
  /** Frontend gRPC port; the other services take ports around it (serverEnvironment). */
  port?: number;
  /** Serve the web UI on this port. */
  uiPort?: number;
  /** The codec server the web UI decodes payloads with (its browser calls it). */
  codecEndpoint?: string;
  /** Settings added to deploy/temporal/dynamic-config.yaml for this launch (tests: faster drainage checks). */
  dynamicConfig?: Record<string, string | number | boolean>;
}

/** deploy/temporal/dynamic-config.yaml plus `extra` (keys it does not set), as a file of this launch's own. */
async function dynamicConfigWith(extra: Record<string, string | number | boolean>): Promise<string> {
  const base = await readFile(dynamicConfigFile, 'utf8');
  const added = Object.entries(extra).map(([key, value]) => `${key}:\n  - value: ${JSON.stringify(value)}\n`);
  const file = join(await mkdtemp(join(tmpdir(), 'temporal-dynamic-config-')), 'dynamic-config.yaml');
  await writeFile(file, `${base}\n${added.join('')}`);
  return file;
}

/** Creates, or upgrades, Temporal's databases and schemas (idempotent: safe on every start). */
export async function setupSchemas(postgresUrl: string): Promise<void> {
  const url = new URL(postgresUrl);
  const tool = cachedBinary(temporalSqlTool);
  for (const [database, dir] of [
    ['temporal', 'temporal'],
    ['temporal_visibility', 'visibility'],
  ] as const) {
    await ensureDatabase(postgresUrl, database);
    const args = [
      '--plugin',
      'postgres12',
      '--ep',
      url.hostname,
      '-p',
      url.port || '5432',
      '-u',
      decodeURIComponent(url.username),
      '--pw',
      decodeURIComponent(url.password),
      '--db',
      database,
    ];
    if (!(await hasSchemaVersion(url, database))) await run(tool, [...args, 'setup-schema', '-v', '0.0']);
    await run(tool, [...args, 'update-schema', '-d', join(schemaDir, dir, 'versioned')]);
  }
}

async function hasSchemaVersion(url: URL, database: string): Promise<boolean> {
  const at = new URL(url);
  at.pathname = `/${database}`;
  const found = await withSession(at.toString(), (session) =>
    session.query("select 1 from information_schema.tables where table_name = 'schema_version'"),
  );
  return found.rowCount !== 0;
}

/** The frontend answers its health check: the server is up (history and matching join it on their own). */
async function serving(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1_000 });
  try {
    const { status } = await connection.healthService.check({});
    return status === 1; // SERVING
  } finally {
    await connection.close();
  }
}

/**
 * The variables deploy/temporal/server.yaml reads, as the native launch sets them; docker-compose.yml sets the same for
 * the temporalio/server image (test/deploy/compose.test.ts holds them together). Temporal's usual port layout around
 * the frontend's gRPC port P: history P+1, matching P+2, worker P+6, HTTP P+10, and each service's membership port 300
 * below its gRPC port (7233 → 6933).
 */
export function serverEnvironment(postgres: URL, port: number, numHistoryShards: number): Record<string, string> {
  const portOf = (offset: number) => String(port + offset);
  return {
    TEMPORAL_SERVER_CONFIG_FILE_PATH: serverConfigFile,
    TEMPORAL_DYNAMIC_CONFIG_FILE: dynamicConfigFile,
    TEMPORAL_ALLOW_NO_AUTH: 'true',
    NUM_HISTORY_SHARDS: String(numHistoryShards),
    POSTGRES_SEEDS: postgres.hostname,
    DB_PORT: postgres.port || '5432',
    POSTGRES_USER: decodeURIComponent(postgres.username),
    POSTGRES_PWD: decodeURIComponent(postgres.password),
    BIND_ON_IP: '127.0.0.1',
    TEMPORAL_BROADCAST_ADDRESS: '127.0.0.1',
    FRONTEND_GRPC_PORT: portOf(0),
    FRONTEND_MEMBERSHIP_PORT: portOf(-300),
    FRONTEND_HTTP_PORT: portOf(10),
    HISTORY_GRPC_PORT: portOf(1),
    HISTORY_MEMBERSHIP_PORT: portOf(-299),
    MATCHING_GRPC_PORT: portOf(2),
    MATCHING_MEMBERSHIP_PORT: portOf(-298),
    WORKER_GRPC_PORT: portOf(6),
    WORKER_MEMBERSHIP_PORT: portOf(-294),
  };
}

export async function startTemporalCluster(options: ClusterOptions): Promise<DevServer> {
  await step('building the Temporal server, schema tool and UI (first run only)', provisionCluster);
  const url = new URL(options.postgresUrl);
  await step("creating or upgrading Temporal's schemas in PostgreSQL", () => setupSchemas(options.postgresUrl));
  const port = options.port ?? (await freePortBlock(PORT_OFFSETS)); // the layout: serverEnvironment()
  const shards = options.numHistoryShards ?? 4;
  const address = `127.0.0.1:${port}`;
  const dynamicConfig = options.dynamicConfig ? await dynamicConfigWith(options.dynamicConfig) : dynamicConfigFile;
  const launch = () =>
    step(`starting temporal-server (${shards} history shards) on ${address}`, () =>
      startProcess({
        name: 'temporal-server',
        command: cachedBinary(temporalServer),
        detached: true,
        timeoutMs: 120_000,
        args: ['start'],
        env: {
          ...process.env,
          ...serverEnvironment(url, port, shards),
          TEMPORAL_DYNAMIC_CONFIG_FILE: dynamicConfig,
        },
        ready: () => serving(address),
      }),
    );
  let server = await launch();
  const stops = [() => server.stop('SIGTERM')];
  try {
    await step('registering the namespace and search attributes', () => registerNamespace(address));
    let uiUrl: string | undefined;
    if (options.uiPort !== undefined) {
      uiUrl = `http://localhost:${options.uiPort}`;
      const ui = await startProcess({
        name: 'Temporal UI server',
        command: cachedBinary(temporalUiServer),
        detached: true,
        args: ['--root', join(deploy, 'temporal-ui'), '--config', '.', '--env', 'base', 'start'],
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: address,
          TEMPORAL_UI_PORT: String(options.uiPort),
          TEMPORAL_UI_ORIGIN: uiUrl,
          ...(options.codecEndpoint ? { TEMPORAL_CODEC_ENDPOINT: options.codecEndpoint } : {}),
        },
        ready: () => fetch(uiUrl!).then((response) => response.ok),
      });
      stops.unshift(() => ui.stop('SIGTERM'));
    }
    return {
      address,
      ...(uiUrl ? { uiUrl } : {}),
      get pid() {
        return server.child.pid;
      },
      restart: async () => {
        await server.stop('SIGKILL'); // as a crash: no graceful hand-off of shards
        server = await launch();
      },
      stop: async () => {
        for (const stop of stops) await stop();
      },
    };
  } catch (error) {
    for (const stop of stops) await stop();
    throw error;
  }
}

/** The `default` namespace and our search attributes, with the Temporal CLI; both are kept if they exist. */
async function registerNamespace(address: string): Promise<void> {
  const cli = await temporalCliPath();
  const temporal = (...args: string[]) => run(cli, [...args, '--address', address]);
  await temporal('operator', 'namespace', 'describe', '--namespace', 'default').catch(() =>
    temporal('operator', 'namespace', 'create', '--namespace', 'default', '--retention', '30d'),
  );
  const attributes = cashbackSearchAttributes.flatMap((key) => ['--name', key.name, '--type', cliTypeName[key.type]]);
  // Freshly created, the namespace may take a moment to be known to every service: retry briefly.
  for (let attempt = 1; ; attempt++) {
    const listed = await temporal('operator', 'search-attribute', 'list', '--namespace', 'default').then(
      (r) => r.stdout,
      () => '',
    );
    if (cashbackSearchAttributes.every((key) => listed.includes(key.name))) return;
    try {
      await temporal('operator', 'search-attribute', 'create', '--namespace', 'default', ...attributes);
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
