// Temporal servers for tests: the dev server with a client on it, and the time-skipping test server.
import { Client, Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
// CommonJS package: Node's ESM loader cannot see its named exports.
import proto from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import { step } from './steps.ts';
import { environmentDataConverter } from './payload-keys.ts';
import { startLocalPostgres } from './postgres.ts';
import { startTemporalCluster, type ClusterOptions } from './temporal-cluster.ts';
import { startDevServer, type DevServer, type DevServerOptions } from './temporal-servers.ts';
import { resolveTestServer } from './test-server.ts';
import { cashbackSearchAttributes } from '../../src/workflows/search-attributes.ts';

export interface TestServer {
  address: string;
  client: Client;
  connection: Connection;
  /** For workers created in the test process. */
  nativeConnection: NativeConnection;
  teardown(): Promise<void>;
}

export type Shape = 'dev' | 'cluster';

/** The real dev server, with a client and a worker connection on it. */
export function startTestDevServer(options: DevServerOptions = {}): Promise<TestServer> {
  return withClient(startDevServer(options));
}

/**
 * The production shape: temporal-server on a PostgreSQL of its own (which also holds the engine's database, `databaseUrl`),
 * with a client and a worker connection on it.
 */
export async function startTestCluster(
  options: Omit<ClusterOptions, 'postgresUrl'> = {},
): Promise<TestServer & { databaseUrl: string }> {
  const postgres = await startLocalPostgres();
  const server = await withClient(startTemporalCluster({ ...options, postgresUrl: postgres.url }));
  return {
    ...server,
    databaseUrl: postgres.url,
    async teardown() {
      await server.teardown();
      await postgres.stop();
    },
  };
}

/** A test server of either shape. */
export function startTestServer(shape: Shape): Promise<TestServer> {
  return shape === 'cluster' ? startTestCluster() : startTestDevServer();
}

async function withClient(starting: Promise<DevServer>): Promise<TestServer> {
  const server = await starting;
  const connection = await Connection.connect({ address: server.address });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  return {
    address: server.address,
    client: new Client({ connection, dataConverter: environmentDataConverter() }),
    connection,
    nativeConnection,
    async teardown() {
      await nativeConnection.close();
      await connection.close();
      await server.stop();
    },
  };
}

/** Temporal's time-skipping test server: timers fire as soon as nothing else is pending. */
export async function startTimeSkippingServer(): Promise<TestWorkflowEnvironment> {
  const executable = await resolveTestServer();
  const env = await step('starting the time-skipping test server', () =>
    TestWorkflowEnvironment.createTimeSkipping({
      server: { executable },
      client: { dataConverter: environmentDataConverter() },
    }),
  );
  // The test server has no start flag for custom search attributes; it takes them through the operator API.
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(cashbackSearchAttributes.map((key) => [key.name, indexedValueType(key.type)])),
  });
  return env;
}

const { INDEXED_VALUE_TYPE_INT, INDEXED_VALUE_TYPE_KEYWORD } = proto.temporal.api.enums.v1.IndexedValueType;
function indexedValueType(type: SearchAttributeType) {
  if (type === SearchAttributeType.INT) return INDEXED_VALUE_TYPE_INT;
  if (type === SearchAttributeType.KEYWORD) return INDEXED_VALUE_TYPE_KEYWORD;
  throw new Error(`search attribute type ${type} is not registered by this project`);
}
