// Runs the project's real entry points as child processes, the way a user does.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startProcess, type StartedProcess } from './processes.ts';
import { WORKER_NODE_ARGS } from '../../src/worker/node-args.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const workerMain = `${root}src/bin/worker.ts`;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [`${root}src/bin/cli.ts`, ...args],
      { env: { ...process.env, NO_COLOR: '1', ...env }, cwd: root, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * Starts `npm start`'s entry point and resolves once everything it starts is up. In a process group of its own, like a shell
 * job: the test sends Ctrl-C to the whole group, as a terminal does.
 */
export function startEngine(env: NodeJS.ProcessEnv, args: string[] = []): Promise<StartedProcess> {
  return startProcess({
    name: 'npm start',
    command: process.execPath,
    args: [`${root}tools/infra/start.ts`, ...args],
    cwd: root,
    env: { ...process.env, ...env },
    // Its last line: every server, worker and the HTTP front door are up.
    ready: '[infra] running; Ctrl-C stops everything',
    timeoutMs: 120_000,
    detached: true,
  });
}

export type WorkerProcess = StartedProcess;

/** Starts the real worker process (`npm run worker`, or another worker script) and resolves once it polls. */
export function startWorkerProcess(env: NodeJS.ProcessEnv, script = workerMain): Promise<WorkerProcess> {
  return startProcess({
    name: 'worker',
    command: process.execPath,
    args: [...WORKER_NODE_ARGS, script],
    env: { ...process.env, LOG_LEVEL: 'INFO', LOG_FORMAT: 'json', ...env },
    ready: 'worker ready',
  });
}

/** Starts the payout notifier (`npm run notify`) and resolves once it is ready. */
export function startNotifierProcess(env: NodeJS.ProcessEnv): Promise<StartedProcess> {
  return startProcess({
    name: 'notifier',
    command: process.execPath,
    args: [`${root}src/bin/notifier.ts`],
    env: { ...process.env, LOG_FORMAT: 'json', ...env },
    ready: 'notifier ready',
  });
}

/** Starts the codec server (`npm run codec`) and resolves with its URL once it listens. */
export async function startCodecServerProcess(env: NodeJS.ProcessEnv): Promise<StartedProcess & { url: string }> {
  const codec = await startProcess({
    name: 'codec server',
    command: process.execPath,
    args: [`${root}src/bin/codec-server.ts`],
    env: { ...process.env, LOG_FORMAT: 'json', CODEC_PORT: '0', ...env },
    ready: 'codec server: http://',
  });
  const url = /codec server: (http:\/\/[^\s",]+)/.exec(codec.output())?.[1];
  if (!url) throw new Error(`the codec server did not say where it listens:\n${codec.output()}`);
  return Object.assign(codec, { url });
}
