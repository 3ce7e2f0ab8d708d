// Every setting read from the environment, validated once, with the defaults a local run needs. The Temporal connection
// comes from @temporalio/envconfig: its standard variables (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
// TEMPORAL_TLS_*) and TOML profiles (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE), as every Temporal tool reads them.
import { loadClientConnectConfig, type ClientConnectConfig } from '@temporalio/envconfig';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseKeyList, readKeyFile, type KeyRing } from '../codec/key-ring.ts';
import { DEFAULT_PAYOUT_WINDOW_HOURS } from '../domain/config.ts';
import {
  DEFAULT_DATABASE_POOL_MAX,
  DEFAULT_MAX_CACHED_WORKFLOWS,
  DEFAULT_NOTIFY_BATCH_SIZE,
  DEFAULT_NOTIFY_TIMEOUT_MS,
  DEFAULT_TEMPORAL_PORT,
  TASK_QUEUE_DEFAULT,
} from './defaults.ts';
import { LOCAL_PG_PORT } from './local-database.ts';

const optional = z.string().trim().min(1).optional();
const port = z.coerce.number().int().min(1).max(65535);

/** Every variable the engine reads, its default and, in `.describe()`, its meaning (docs/configuration.md). */
export const environmentSchema = z.object({
  TEMPORAL_TASK_QUEUE: z
    .string()
    .default(TASK_QUEUE_DEFAULT)
    .describe('the task queue the worker polls and clients start workflows on'),
  DATABASE_URL: optional.describe(
    'PostgreSQL URL, the only source of database credentials; unset: npm start runs an embedded PostgreSQL',
  ),
  DATABASE_POOL_MAX: z.coerce
    .number()
    .int()
    .positive()
    .default(DEFAULT_DATABASE_POOL_MAX)
    .describe('database connections a process keeps open at most'),
  // The program's rules (tiers, minimum, grace, adjustment window, time zone) are versions shipped in code
  // (src/domain/program-versions.ts), not settings: every worker must read the same ones.
  PAYOUT_WINDOW_HOURS: z.coerce
    .number()
    .min(0)
    .max(24)
    .default(DEFAULT_PAYOUT_WINDOW_HOURS)
    .describe("hours (0–24) a quarter's payouts spread over, each user at a stable place; read when a workflow starts"),
  METRICS_PORT: port
    .optional()
    .describe("port of the SDK's Prometheus endpoint (/metrics); npm start -- --workers N: worker i uses it + i − 1"),
  LOG_LEVEL: z
    .enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'])
    .default('INFO')
    .describe('the least severe log level written'),
  LOG_FORMAT: z
    .enum(['pretty', 'json'])
    .optional()
    .describe('readable coloured lines, or one JSON object per line; unset: pretty in a terminal, JSON otherwise'),
  // Evicted runs replay on their next task (src/worker/tuning.ts).
  MAX_CACHED_WORKFLOWS: z.coerce
    .number()
    .int()
    .min(0)
    .default(DEFAULT_MAX_CACHED_WORKFLOWS)
    .describe('runs a worker keeps cached: its memory against replays of evicted runs'),
  // Worker Versioning (docs/releasing.md): the worker joins deployment seqr-cashback as this build (default: the
  // release and the commit); WORKER_SET_CURRENT=first makes it current on a first deploy, always on every start.
  WORKER_VERSIONING: z
    .enum(['on', 'off'])
    .default('on')
    .describe('Worker Versioning (docs/releasing.md); off runs an unversioned worker, as the time-skipping tests do'),
  WORKER_BUILD_ID: z
    .string()
    .regex(/^[\w+-][\w.+-]{0,99}$/, 'WORKER_BUILD_ID: letters, digits and . _ + - (at most 100)')
    .optional()
    .describe('the build id the worker joins deployment seqr-cashback as; unset: the release and the commit'),
  WORKER_SET_CURRENT: z
    .enum(['never', 'first', 'always'])
    .default('first')
    .describe('when a start makes its build current: first (if the deployment has none), always (npm start), never'),
  GIT_COMMIT: optional.describe('the commit in the build id; unset: git rev-parse, else the release alone'),
  WORKFLOW_BUNDLE_PATH: optional.describe(
    'a prebuilt workflow bundle (npm run bundle), as the image ships it; unset: bundled from src at start',
  ),
  // The HTTP front door (npm run ingest): loopback without a token; any other address needs one.
  INGEST_HOST: z
    .string()
    .default('127.0.0.1')
    .describe('address the HTTP front door listens on; any address but loopback needs INGEST_TOKEN'),
  INGEST_PORT: z.coerce.number().int().min(0).max(65535).default(8088).describe('port of the HTTP front door'),
  INGEST_TOKEN: optional.describe('bearer token the HTTP front door requires, compared in constant time'),
  // Payout notifications (npm run notify): without a webhook they stay in the outbox (`cli notifications`).
  NOTIFY_WEBHOOK_URL: z
    .url({ protocol: /^https?$/, error: 'NOTIFY_WEBHOOK_URL must be an http(s) URL' })
    .optional()
    .describe('where the notifier posts payout notifications; unset: they wait in the outbox (cli notifications)'),
  NOTIFY_WEBHOOK_SECRET: z
    .string()
    .min(16, 'NOTIFY_WEBHOOK_SECRET must be at least 16 characters')
    .optional()
    .describe('HMAC-SHA256 key of the webhook signature, at least 16 characters; required with NOTIFY_WEBHOOK_URL'),
  NOTIFY_RETRY_BASE_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(1_000)
    .describe("the notifier's first retry delay, doubling with jitter up to NOTIFY_RETRY_MAX_MS"),
  NOTIFY_RETRY_MAX_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(600_000)
    .describe("the notifier's longest retry delay"),
  NOTIFY_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(DEFAULT_NOTIFY_TIMEOUT_MS)
    .describe('timeout of one webhook request'),
  NOTIFY_BATCH_SIZE: z.coerce
    .number()
    .int()
    .positive()
    .default(DEFAULT_NOTIFY_BATCH_SIZE)
    .describe('outbox rows the notifier claims at once'),
  // Payload encryption (docs/security.md): every process that talks to Temporal reads the same key ring.
  PAYLOAD_ENCRYPTION: z
    .enum(['on', 'off'])
    .default('on')
    .describe('encrypt every payload sent to Temporal (AES-256-GCM); off sends them in clear (benchmark baselines)'),
  PAYLOAD_KEY_FILE: optional.describe(
    'JSON key ring {"activeKeyId", "keys": {id: base64}}; unset: PAYLOAD_KEYS, else npm start\'s <data dir>/payload-keys.json',
  ),
  PAYLOAD_KEYS: optional.describe(
    'the key ring inline, as id:base64-key pairs separated by commas (instead of a file)',
  ),
  PAYLOAD_ACTIVE_KEY_ID: optional.describe('the key of PAYLOAD_KEYS that encrypts; unset: its only key'),
  // The codec server (npm run codec) decodes payloads for the Temporal UI and CLI: loopback without a token.
  CODEC_HOST: z
    .string()
    .default('127.0.0.1')
    .describe('address the codec server listens on; any address but loopback needs CODEC_TOKEN'),
  CODEC_PORT: z.coerce.number().int().min(0).max(65535).default(8089).describe('port of the codec server'),
  CODEC_TOKEN: optional.describe('bearer token the codec server requires, compared in constant time'),
  CODEC_CORS_ORIGINS: optional.describe(
    "origins of the Temporal UIs allowed to call the codec server, separated by commas; npm start sets its UI's",
  ),
  // `npm start`'s local servers.
  SEQR_DATA_DIR: optional.describe(
    "where npm start keeps its data (PostgreSQL, the dev server's SQLite file); unset: .data/ in the checkout",
  ),
  TEMPORAL_PORT: port
    .default(DEFAULT_TEMPORAL_PORT)
    .describe("npm start's Temporal port; with --cluster the other Temporal services take ports around it"),
  TEMPORAL_UI_PORT: port.default(8233).describe("npm start's Temporal web UI port"),
  PG_PORT: port.default(LOCAL_PG_PORT).describe("npm start's embedded PostgreSQL port"),
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

export type Environment = z.infer<typeof environmentSchema> & {
  /** The payload key ring, when one is configured (PAYLOAD_KEY_FILE, PAYLOAD_KEYS, or npm start's local file). */
  payloadKeys?: KeyRing;
  /** Connection options and namespace for the Temporal client and worker. */
  temporal: ClientConnectConfig & { namespace: string; address: string };
  /** Whether a Temporal server was configured (variable or profile); `npm start` otherwise runs its own. */
  temporalConfigured: boolean;
};

/** Every variable the engine reads. */
export const environmentVariables = [...Object.keys(environmentSchema.shape), ...temporalVariables];

/** Reads and checks the environment; a bad value ends with one line per problem, no stack trace. */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const problems = Object.entries(replacedVariables)
    .filter(([old]) => env[old] !== undefined)
    .map(([old, replacement]) => `${old} is no longer read: set ${replacement} instead`);
  // An empty variable counts as unset, as in most tools (and `FOO= npm start` is how a shell unsets one for a command).
  const set = definedOnly(env);
  const parsed = environmentSchema.safeParse(set);
  if (!parsed.success)
    problems.push(...parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  let temporal: ClientConnectConfig | undefined;
  try {
    temporal = loadClientConnectConfig({ overrideEnvVars: set });
  } catch (error) {
    problems.push(`Temporal connection: ${error instanceof Error ? error.message : String(error)}`);
  }
  let payloadKeys: KeyRing | undefined;
  try {
    payloadKeys = readPayloadKeys(set);
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  if (problems.length || !parsed.success || !temporal)
    throw new Error(`invalid configuration:\n  ${problems.join('\n  ')}`);
  const address = temporal.connectionOptions.address;
  return {
    ...parsed.data,
    temporal: {
      ...temporal,
      namespace: temporal.namespace ?? 'default',
      address: address ?? `localhost:${DEFAULT_TEMPORAL_PORT}`,
    },
    temporalConfigured: Boolean(address),
    ...(payloadKeys ? { payloadKeys } : {}),
  };
}

/** The directory `npm start` keeps its data in, and the key ring it creates there on its first run. */
export function dataDirOf(env: { SEQR_DATA_DIR?: string | undefined }): string {
  return env.SEQR_DATA_DIR ?? fileURLToPath(new URL('../../.data', import.meta.url));
}
export const localKeyFile = (env: { SEQR_DATA_DIR?: string | undefined }) => `${dataDirOf(env)}/payload-keys.json`;

/** PAYLOAD_KEYS, else PAYLOAD_KEY_FILE, else the local key file when it exists. */
function readPayloadKeys(env: Record<string, string>): KeyRing | undefined {
  if (env.PAYLOAD_KEYS && env.PAYLOAD_KEY_FILE) throw new Error('PAYLOAD_KEYS and PAYLOAD_KEY_FILE: set one, not both');
  if (env.PAYLOAD_KEYS) return parseKeyList(env.PAYLOAD_KEYS, env.PAYLOAD_ACTIVE_KEY_ID);
  if (env.PAYLOAD_ACTIVE_KEY_ID)
    throw new Error('PAYLOAD_ACTIVE_KEY_ID goes with PAYLOAD_KEYS: a key file names its active key itself');
  if (env.PAYLOAD_KEY_FILE) return readKeyFile(env.PAYLOAD_KEY_FILE);
  const local = localKeyFile(env);
  return existsSync(local) ? readKeyFile(local) : undefined;
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
}
