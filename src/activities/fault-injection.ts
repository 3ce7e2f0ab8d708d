// Crash points for the reliability suite: a worker process started with SEQR_FAULT_POINT kills itself (SIGKILL, no
// cleanup) at that moment of a payout, and the suite restarts it without. The variable is read once, when the
// activities are created; a credit only calls the function it got, a no-op unless a point was named.
const faultPoints = ['before-credit', 'after-credit-commit'] as const;
type FaultPoint = (typeof faultPoints)[number];
export type CrashPoint = (point: FaultPoint) => void;

const noCrash: CrashPoint = () => undefined;

/** What a credit calls at each fault point: kills the process at the one it was started with (SEQR_FAULT_POINT). */
export function crashPointFromEnvironment(env: NodeJS.ProcessEnv = process.env): CrashPoint {
  const chosen = faultPoints.find((point) => point === env.SEQR_FAULT_POINT);
  if (!chosen) return noCrash;
  return (point) => {
    if (point === chosen) process.kill(process.pid, 'SIGKILL');
  };
}
