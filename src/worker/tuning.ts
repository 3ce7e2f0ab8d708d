// Worker settings, in one place: the worker reads them, and the benchmarks' baseline worker runs with the same ones, so
// that it differs from ours only in its workflows and activities.

/**
 * Runs the worker keeps cached. Each keeps its V8 state (~0.1 MB live) and its next task needs no replay; 500 bounds
 * the worker's memory (MAX_CACHED_WORKFLOWS overrides it).
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 500;

/**
 * How long a workflow task may wait on the worker's sticky queue (where a run's next task goes: to the worker that has
 * it cached) before the server moves it to the shared queue. The SDK's 10 s is shorter than a quarter-end burst takes to
 * drain: in 1,500-user bursts three payouts in four timed out there, and each timeout cost the server a history write
 * and a new task, and the worker a replay of the run from its whole history, which slowed the burst and timed out more.
 * A longer wait only delays, after a worker dies, the tasks already queued for it.
 */
export const STICKY_QUEUE_TIMEOUT = '60 seconds';
