// Worker settings, in one place: the worker reads them, and the benchmarks' baseline worker runs with the same ones, so
// that it differs from ours only in its workflows and activities.

// The cache size is a deploy setting as well (MAX_CACHED_WORKFLOWS): its default lives with the others in config.
export { DEFAULT_MAX_CACHED_WORKFLOWS } from '../config/defaults.ts';

/**
 * How long a workflow task may wait on the worker's sticky queue (where a run's next task goes: to the worker that has
 * it cached) before the server moves it to the shared queue. The SDK's 10 s is shorter than a quarter-end burst takes to
 * drain, and each timeout costs the server a history write and a new task, and the worker a replay of the run from its
 * whole history (docs/adr/0006-sticky-queue-timeout.md). A longer wait only delays, after a worker dies, the tasks
 * already queued for it.
 */
export const STICKY_QUEUE_TIMEOUT = '60 seconds';
