// Starts the two kinds of Temporal server the project uses, provisioned by temporal-cli.ts and test-server.ts.
import { SearchAttributeType } from '@temporalio/common';
// CommonJS package: Node's ESM loader cannot see its named exports.
import proto from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { cashbackSearchAttributes } from '../workflows/search-attributes.ts';
import { step } from './steps.ts';
import { resolveTemporalCli } from './temporal-cli.ts';
import { resolveTestServer } from './test-server.ts';

export interface DevServerOptions {
  /** SQLite file for persistence; in memory when omitted. */
  dbFilename?: string;
  port?: number;
  /** Serve the web UI on this port. */
  uiPort?: number;
}

/** The real Temporal server (CLI dev server, SQLite), with our custom search attributes registered. */
export async function startDevServer(options: DevServerOptions = {}): Promise<TestWorkflowEnvironment> {
  const executable = await resolveTemporalCli();
  return step('starting the Temporal dev server', () =>
    TestWorkflowEnvironment.createLocal({
      server: {
        executable,
        dbFilename: options.dbFilename,
        port: options.port,
        ui: options.uiPort !== undefined,
        uiPort: options.uiPort,
        searchAttributes: cashbackSearchAttributes,
        log: { format: 'pretty', level: 'error' },
      },
    }),
  );
}

/** Temporal's time-skipping test server: timers fire as soon as nothing else is pending. */
export async function startTimeSkippingServer(): Promise<TestWorkflowEnvironment> {
  const executable = await resolveTestServer();
  const env = await step('starting the time-skipping test server', () => TestWorkflowEnvironment.createTimeSkipping({ server: { executable } }));
  // The test server has no start flag for custom search attributes; it takes them through the operator API.
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(cashbackSearchAttributes.map((key) => [key.name, indexedValueType(key.type)])),
  });
  return env;
}

const { temporal } = proto;
type IndexedValueType = proto.temporal.api.enums.v1.IndexedValueType;
const { INDEXED_VALUE_TYPE_INT, INDEXED_VALUE_TYPE_KEYWORD } = temporal.api.enums.v1.IndexedValueType;
function indexedValueType(type: SearchAttributeType): IndexedValueType {
  if (type === SearchAttributeType.INT) return INDEXED_VALUE_TYPE_INT;
  if (type === SearchAttributeType.KEYWORD) return INDEXED_VALUE_TYPE_KEYWORD;
  throw new Error(`search attribute type ${type} is not registered by this project`);
}
