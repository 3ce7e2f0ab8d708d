// Every setting read from the environment, validated once, with the defaults a local run needs. The Temporal connection
// comes from @temporalio/envconfig: its standard variables (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
// TEMPORAL_TLS_*) and TOML profiles (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE), as every Temporal tool reads them.
import { loadClientConnectConfig, type ClientConnectConfig } from '@temporalio/envconfig';
import { z } from 'zod';
import { DEFAULT_PAYOUT_WINDOW_HOURS } from '../domain/config.ts';
import { LOCAL_PG_PORT } from './local-database.ts';
import { TASK_QUEUE_DEFAULT } from '../workflows/definitions.ts';
import { DEFAULT_MAX_CACHED_WORKFLOWS } from '../worker/tuning.ts';

const optional = z.string().trim().min(1).optional();
const port = z.coerce.number().int().min(1).max(65535);

const schema = z.object({
  TEMPORAL_TASK_QUEUE: z.string().default(TASK_QUEUE_DEFAULT),
  DATABASE_URL: optional,
  DATABASE_POOL_MAX: z.coerce.number().int().positive().default(10),
  // The program's rules (tiers, minimum, grace, adjustment window, time zone) are versions shipped in code
  // (src/domain/program-versions.ts), not settings: every worker must read the same ones.
  PAYOUT_WINDOW_HOURS: z.coerce.number().min(0).max(24).default(DEFAULT_PAYOUT_WINDOW_HOURS),
  METRICS_PORT: port.optional(),
  LOG_LEVEL: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
  /** Readable coloured lines, or one JSON object per line; unset: pretty in a terminal, JSON otherwise. */
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
  // Evicted runs replay on their next task (src/worker/tuning.ts).
  MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(DEFAULT_MAX_CACHED_WORKFLOWS),
  // Worker Versioning (docs/releasing.md): the worker joins deployment seqr-cashback as this build (default: the
  // release and the commit); WORKER_SET_CURRENT=first makes it current on a first deploy, always on every start.
  WORKER_VERSIONING: z.enum(['on', 'off']).default('on'),
  WORKER_BUILD_ID: z
    .string()
    .regex(/^[\w+-][\w.+-]{0,99}$/, 'WORKER_BUILD_ID: letters, digits and . _ + - (at most 100)')
    .optional(),
  WORKER_SET_CURRENT: z.enum(['never', 'first', 'always']).default('first'),
  GIT_COMMIT: optional,
  /** A prebuilt workflow bundle (a build's workflows as a deploy ships them); unset: bundled from src at start. */
  WORKFLOW_BUNDLE_PATH: optional,
  // The HTTP front door (npm run ingest): loopback without a token; any other address needs one.
  INGEST_HOST: z.string().default('127.0.0.1'),
  INGEST_PORT: z.coerce.number().int().min(0).max(65535).default(8088),
  INGEST_TOKEN: optional,
  // Payout notifications (npm run notify): without a webhook they stay in the outbox (`cli notifications`).
  NOTIFY_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'NOTIFY_WEBHOOK_URL must be an http(s) URL' }).optional(),
  NOTIFY_WEBHOOK_SECRET: z.string().min(16, 'NOTIFY_WEBHOOK_SECRET must be at least 16 characters').optional(),
  NOTIFY_RETRY_BASE_MS: z.coerce.number().int().positive().default(1_000),
  NOTIFY_RETRY_MAX_MS: z.coerce.number().int().positive().default(600_000),
  NOTIFY_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  NOTIFY_BATCH_SIZE: z.coerce.number().int().positive().default(32),
  // `npm start`'s local servers.
  SEQR_DATA_DIR: optional,
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  PG_PORT: port.default(LOCAL_PG_PORT),
});

/** The Temporal variables @temporalio/envconfig reads (TEMPORAL_GRPC_META_<NAME> too), so compose may set them. */
export const temporalVariables = [
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'TEMPORAL_API_KEY',
  'TEMPORAL_PROFILE',
  'TEMPORAL_CONFIG_FILE',
  'TEMPORAL_TLS',
  'TEMPORAL_TLS_CLIENT_CERT_PATH',
  'TEMPORAL_TLS_CLIENT_KEY_PATH',
  'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
  'TEMPORAL_TLS_SERVER_NAME',
  'TEMPORAL_TLS_CLIENT_CERT_DATA',
  'TEMPORAL_TLS_CLIENT_KEY_DATA',
  'TEMPORAL_TLS_SERVER_CA_CERT_DATA',
  'TEMPORAL_TLS_DISABLE_HOST_VERIFICATION',
];

/** Names this project once read, and the standard names that replaced them: a stale one is an error, not silence. */
const replacedVariables: Record<string, string> = {
  TEMPORAL_TLS_CERT_PATH: 'TEMPORAL_TLS_CLIENT_CERT_PATH',
  TEMPORAL_TLS_KEY_PATH: 'TEMPORAL_TLS_CLIENT_KEY_PATH',
  TEMPORAL_TLS_CA_PATH: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
};

export type Environment = z.infer<typeof schema> & {
  /** Connection options and namespace for the Temporal client and worker. */
  temporal: ClientConnectConfig & { namespace: string; address: string };
  /** Whether a Temporal server was configured (variable or profile); `npm start` otherwise runs its own. */
  temporalConfigured: boolean;
};

/** Every variable the engine reads. */
export const environmentVariables = [...Object.keys(schema.shape), ...temporalVariables];

/** Reads and checks the environment; a bad value ends with one line per problem, no stack trace. */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const problems = Object.entries(replacedVariables)
    .filter(([old]) => env[old] !== undefined)
    .map(([old, replacement]) => `${old} is no longer read: set ${replacement} instead`);
  // An empty variable counts as unset, as in most tools (and `FOO= npm start` is how a shell unsets one for a command).
  const set = definedOnly(env);
  const parsed = schema.safeParse(set);
  if (!parsed.success)
    problems.push(...parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  let temporal: ClientConnectConfig | undefined;
  try {
    temporal = loadClientConnectConfig({ overrideEnvVars: set });
  } catch (error) {
    problems.push(`Temporal connection: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (problems.length || !parsed.success || !temporal)
    throw new Error(`invalid configuration:\n  ${problems.join('\n  ')}`);
  const address = temporal.connectionOptions.address;
  return {
    ...parsed.data,
    temporal: { ...temporal, namespace: temporal.namespace ?? 'default', address: address ?? 'localhost:7233' },
    temporalConfigured: Boolean(address),
  };
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
}
