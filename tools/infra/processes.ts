// Starts a child process and waits until it says it is ready: PostgreSQL, the Temporal dev server, the worker, and
// (in tests) the launcher itself. One place for spawning, collecting output, the start deadline and stopping.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The process ended before it said it was ready: a start that may succeed when tried again. */
export class ExitedBeforeReady extends Error {}

/** How much of a child's output is kept for output(): the start-up and the recent past. */
const KEPT_OUTPUT = 8 * 1024 * 1024;

export interface ProcessOptions {
  /** For messages: "worker", "PostgreSQL", ... */
  name: string;
  command: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Output (stdout and stderr) that means the process is ready, or a probe that says so (polled). */
  ready: RegExp | string | (() => Promise<boolean>);
  timeoutMs?: number;
  /**
   * In its own process group, so a terminal's Ctrl-C reaches only the launcher, which then stops its children in order.
   * Tests also use it to send a signal to a whole group, as a terminal does.
   */
  detached?: boolean;
  /** Copy the child's output to ours as it comes (the launcher shows the worker's log). */
  echo?: boolean;
  uid?: number;
  gid?: number;
}

export interface StartedProcess {
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr interleaved). */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  running(): boolean;
  /** Sends `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startProcess(options: ProcessOptions): Promise<StartedProcess> {
  const spawnOptions: SpawnOptions = {
    env: options.env ?? process.env,
    cwd: options.cwd,
    detached: options.detached ?? false,
    stdio: ['ignore', 'pipe', 'pipe'],
    uid: options.uid,
    gid: options.gid,
  };
  const child = spawn(options.command, options.args ?? [], spawnOptions);
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const collect = (sink: NodeJS.WriteStream) => (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > KEPT_OUTPUT) output = output.slice(-KEPT_OUTPUT / 2); // a long-running child must not grow us
    if (options.echo) sink.write(chunk);
  };
  child.stdout!.on('data', collect(process.stdout));
  child.stderr!.on('data', collect(process.stderr));
  const running = () => child.exitCode === null && child.signalCode === null;
  const started: StartedProcess = {
    child,
    exited,
    running,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (running()) child.kill(signal);
      await exited;
    },
  };
  await new Promise<void>((resolve, reject) => {
    const timeoutMs = options.timeoutMs ?? 60_000;
    const { ready } = options;
    const said = () =>
      typeof ready === 'string' ? output.includes(ready) : ready instanceof RegExp && ready.test(output);
    const timer = setTimeout(
      () => fail(new Error(`${options.name} did not start in ${timeoutMs / 1000} s:\n${tail(output)}`)),
      timeoutMs,
    );
    const check = (probed = false) => {
      if (!probed && !said()) return;
      clearTimeout(timer);
      resolve();
    };
    function fail(error: Error) {
      clearTimeout(timer);
      if (running()) child.kill('SIGKILL');
      reject(error);
    }
    child.stdout!.on('data', () => check());
    child.stderr!.on('data', () => check());
    if (typeof ready === 'function') void poll(ready, running).then(() => check(true));
    child.once('error', (error) => fail(new Error(`${options.name} could not be started: ${error.message}`)));
    void exited.then(({ code, signal }) =>
      fail(new ExitedBeforeReady(`${options.name} exited (${code ?? signal}) before it was ready:\n${tail(output)}`)),
    );
  });
  return started;
}

/** Calls `probe` every 250 ms until it answers true; never resolves once the process is gone (its exit fails the start). */
async function poll(probe: () => Promise<boolean>, alive: () => boolean): Promise<void> {
  while (alive()) {
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return new Promise(() => undefined);
}

/** The last lines of a process's output: enough to explain a failure without flooding the terminal. */
function tail(output: string): string {
  return output.split('\n').slice(-40).join('\n');
}

/** Resident memory of a process, in MiB (VmRSS), or its peak (VmHWM). */
export function memoryMiB(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}
