// Every setting read from the environment, validated once, with the defaults a local run needs.
import { z } from 'zod';
import { isValidTimeZone } from '../domain/calendar.ts';
import { DEFAULT_PROGRAM, minimumPolicies, type ProgramConfig } from '../domain/config.ts';
import { TASK_QUEUE_DEFAULT } from '../workflows/definitions.ts';

const optional = z.string().trim().min(1).optional();

const schema = z.object({
  TEMPORAL_ADDRESS: z.string().default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default(TASK_QUEUE_DEFAULT),
  TEMPORAL_API_KEY: optional,
  TEMPORAL_TLS: z.enum(['true', 'false']).optional(),
  TEMPORAL_TLS_CERT_PATH: optional,
  TEMPORAL_TLS_KEY_PATH: optional,
  TEMPORAL_TLS_CA_PATH: optional,
  TEMPORAL_TLS_SERVER_NAME: optional,
  DATABASE_URL: optional,
  DATABASE_POOL_MAX: z.coerce.number().int().positive().default(10),
  PROGRAM_TIME_ZONE: z.string().default(DEFAULT_PROGRAM.timeZone).refine(isValidTimeZone, 'PROGRAM_TIME_ZONE must be an IANA time zone such as Europe/Stockholm'),
  SETTLEMENT_GRACE_DAYS: z.coerce.number().int().min(0).max(28).default(DEFAULT_PROGRAM.settlementGraceDays),
  MINIMUM_POLICY: z.enum(minimumPolicies).default(DEFAULT_PROGRAM.minimumPolicy),
  ADJUSTMENT_WINDOW_QUARTERS: z.coerce.number().int().min(0).max(4).default(DEFAULT_PROGRAM.adjustmentWindowQuarters),
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  LOG_LEVEL: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
  // Each cached workflow keeps its V8 context (~2 MB): 500 bounds the worker's memory; evicted ones replay on their next task.
  MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(500),
});

export type Environment = z.infer<typeof schema>;
/** Every variable the engine reads. */
export const environmentVariables = Object.keys(schema.shape);

/** Reads and checks the environment; a bad value ends with one line per problem, no stack trace. */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n  ');
    throw new Error(`invalid configuration:\n  ${problems}`);
  }
  return parsed.data;
}

export function programFrom(env: Environment): ProgramConfig {
  return {
    ...DEFAULT_PROGRAM,
    timeZone: env.PROGRAM_TIME_ZONE,
    settlementGraceDays: env.SETTLEMENT_GRACE_DAYS,
    minimumPolicy: env.MINIMUM_POLICY,
    adjustmentWindowQuarters: env.ADJUSTMENT_WINDOW_QUARTERS,
  };
}
