// Crash points for the reliability suite: off unless SEQR_FAULT_POINT names one. The suite sets it on a real worker
// process to kill it (SIGKILL, no cleanup) at an exact moment of a payout, then restarts the worker without it.
export type FaultPoint = 'before-credit' | 'after-credit-commit';

export function crashPoint(point: FaultPoint): void {
  if (process.env.SEQR_FAULT_POINT === point) process.kill(process.pid, 'SIGKILL');
}
