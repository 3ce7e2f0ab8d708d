// Runs the real worker process (`npm run worker`) as a child, for the reliability tests and the benchmarks.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const workerMain = fileURLToPath(new URL('../worker/main.ts', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the real worker process (`npm run worker`, or another worker script) and resolves once it polls. */
export async function startWorkerProcess(env: NodeJS.ProcessEnv, script = workerMain): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [script], { env: { ...process.env, LOG_LEVEL: 'INFO', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start in 60 s:\n${output}`)), 60_000);
    const collect = (chunk: Buffer) => {
      output = (output + chunk).slice(-65_536); // the tail is enough to explain a failure
      if (output.includes('worker ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    void exited.then(({ code, signal }) => reject(new Error(`worker exited (${code ?? signal}) before it was ready:\n${output}`)));
  });
  return { child, output: () => output, exited };
}
