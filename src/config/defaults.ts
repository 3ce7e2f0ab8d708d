// The defaults of the deploy settings that more than one module needs: the environment's schema advertises them, and
// the modules that run without it (a worker or deliverer built in a test or a bench) fall back to the same values.
// Depends on nothing, so every layer may import it.

export const TASK_QUEUE_DEFAULT = 'seqr-cashback';

/** Temporal's standard port: npm start's server listens on it, and a client with no address configured dials it. */
export const DEFAULT_TEMPORAL_PORT = 7233;

/**
 * Runs the worker keeps cached. Each keeps its V8 state and its next task needs no replay; 500 bounds the worker's
 * memory (MAX_CACHED_WORKFLOWS overrides it).
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 500;

/** Database connections a process keeps open at most (DATABASE_POOL_MAX). */
export const DEFAULT_DATABASE_POOL_MAX = 10;

/** One webhook request of the notifier; a slower receiver counts as a failed attempt (NOTIFY_TIMEOUT_MS). */
export const DEFAULT_NOTIFY_TIMEOUT_MS = 10_000;

/** Outbox rows the notifier claims and sends at once (NOTIFY_BATCH_SIZE). */
export const DEFAULT_NOTIFY_BATCH_SIZE = 32;
