// The Temporal dev server (the CLI's `server start-dev`: a real server on SQLite, with the web UI), provisioned by
// temporal-cli.ts and started in its own process group so that the launcher decides when it stops.
import { SearchAttributeType } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { cashbackSearchAttributes } from '../../src/workflows/search-attributes.ts';
import { freePort } from './ports.ts';
import { ExitedBeforeReady, startProcess } from './processes.ts';
import { note, step } from './steps.ts';
import { resolveTemporalCli } from './temporal-cli.ts';

export interface DevServerOptions {
  /** SQLite file for persistence; in memory when omitted. */
  dbFilename?: string;
  /** gRPC port; a free one when omitted. */
  port?: number;
  /** Serve the web UI on this port. */
  uiPort?: number;
  /** The codec server the web UI decodes payloads with (its browser calls it). */
  codecEndpoint?: string;
}

export interface DevServer {
  /** host:port of the frontend (gRPC). */
  address: string;
  uiUrl?: string;
  /** The server's process, when we spawned it (for its CPU time in the benchmark). */
  pid?: number;
  /** Kills the server and starts it again on the same port and data (the cluster shape only). */
  restart?(): Promise<void>;
  stop(): Promise<void>;
}

export const cliTypeName: Record<SearchAttributeType, string> = {
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

/** The real Temporal server (CLI dev server, SQLite), with our custom search attributes registered. */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const cli = await resolveTemporalCli();
  if (cli.type !== 'existing-path') return startDownloadedDevServer(options);
  const argsFor = (port: number) => [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--log-level',
    'error',
    ...(options.dbFilename ? ['--db-filename', options.dbFilename] : []),
    ...(options.uiPort !== undefined ? ['--ui-port', String(options.uiPort)] : ['--headless']),
    ...(options.codecEndpoint ? ['--ui-codec-endpoint', options.codecEndpoint] : []),
    ...cashbackSearchAttributes.flatMap((key) => ['--search-attribute', `${key.name}=${cliTypeName[key.type]}`]),
  ];
  // The CLI prints its "Server:" line once the frontend accepts connections. It picks its services' internal ports
  // itself (as ours, when none is given), free when it looks and possibly taken by another process when it binds: such
  // a start exits at once, and a second start picks again.
  let port = options.port ?? (await freePort());
  const start = () =>
    startProcess({
      name: 'Temporal dev server',
      command: cli.path,
      args: argsFor(port),
      detached: true,
      ready: /^Server:\s/m,
    });
  const server = await step('starting the Temporal dev server', () =>
    start().catch(async (error: unknown) => {
      if (!(error instanceof ExitedBeforeReady)) throw error;
      note(`the dev server exited while starting, starting it again: ${error.message.split('\n')[1] ?? ''}`);
      port = options.port ?? (await freePort());
      return start();
    }),
  );
  return {
    address: `127.0.0.1:${port}`,
    ...(options.uiPort !== undefined ? { uiUrl: `http://localhost:${options.uiPort}` } : {}),
    pid: server.child.pid,
    stop: () => server.stop('SIGTERM'),
  };
}

/**
 * Without Go or a CLI of our own: the SDK downloads the CLI and runs it (in our process group, so Ctrl-C reaches it).
 */
async function startDownloadedDevServer(options: DevServerOptions): Promise<DevServer> {
  const env = await step('starting the Temporal dev server (downloaded by the SDK)', () =>
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'cached-download' },
        dbFilename: options.dbFilename,
        port: options.port,
        ip: '127.0.0.1',
        ui: options.uiPort !== undefined,
        uiPort: options.uiPort,
        searchAttributes: cashbackSearchAttributes,
        log: { format: 'pretty', level: 'error' },
      },
    }),
  );
  return {
    address: env.address,
    ...(options.uiPort !== undefined ? { uiUrl: `http://localhost:${options.uiPort}` } : {}),
    stop: () => env.teardown(),
  };
}
