// Small helpers for the benchmarks: concurrency, percentiles, process memory.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type pg from 'pg';
import { memoryMiB } from '../tools/infra/processes.ts';

/**
 * The arms of a comparison in the order round `round` runs them (1-based): as given in odd rounds, reversed in even
 * ones (A B, B A, …), so that a machine slowing or speeding up during the run falls on every arm alike once pooled.
 */
export function inRoundOrder<T>(round: number, arms: readonly T[]): T[] {
  return round % 2 === 1 ? [...arms] : [...arms].reverse();
}

export interface Timed {
  seconds: number;
  latenciesMs: number[];
}

/** Runs `count` calls of `call(i)` with `concurrency` in flight; returns the wall time and each call's latency. */
export async function runConcurrent(
  count: number,
  concurrency: number,
  call: (i: number) => Promise<unknown>,
): Promise<Timed> {
  const latenciesMs: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) {
        const t = performance.now();
        await call(i);
        latenciesMs.push(performance.now() - t);
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, latenciesMs };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Polls `check` until true; a failed check (e.g. a query timing out while the worker is busy) counts as not yet. */
export async function until(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs: number,
  everyMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`benchmark: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export interface Row {
  case: string;
  metric: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  /** value ÷ baseline value. */
  ratio?: number;
  note?: string;
}

export function row(r: Omit<Row, 'ratio'>): Row {
  return r.baseline ? { ...r, ratio: r.value / r.baseline.value } : r;
}

/** Ledger entries of the users whose ids start with `prefix`: one per paid user, when all is well. */
export async function ledgerEntries(pool: pg.Pool, prefix: string): Promise<number> {
  const { rows } = await pool.query<{ count: string }>(
    'select count(*) as count from ledger_entry where user_id like $1',
    [`${prefix}%`],
  );
  return Number(rows[0]!.count);
}

/**
 * Runs a node script to the end, its output discarded; wall seconds and peak RSS (VmHWM, sampled every 100 ms: it only
 * grows, so the last sample is the peak up to then).
 */
export async function measureProcess(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ seconds: number; peakMiB: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ...env },
  });
  let peakMiB = 0;
  const sampler = setInterval(() => {
    peakMiB = Math.max(peakMiB, memoryMiB(child.pid!, 'VmHWM') || 0);
  }, 100);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(sampler);
  if (code !== 0) throw new Error(`${args.join(' ')} exited with ${code}`);
  return { seconds: (performance.now() - started) / 1000, peakMiB };
}

/**
 * CPU seconds (user + system, and that of children already reaped) used so far by these processes and every process
 * below them: PostgreSQL's backends, a server's children. Linux only (reads /proc); clock ticks are 100 per second.
 */
export function cpuSeconds(rootPids: number[]): number {
  const stats = new Map<number, { parent: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let text: string;
    try {
      text = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // Fields after the command name, which may itself hold spaces and parentheses: state, ppid, …, utime is the 12th.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    stats.set(Number(entry), { parent: Number(fields[1]), ticks });
  }
  const counted = new Set(rootPids);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, { parent }] of stats)
      if (!counted.has(pid) && counted.has(parent)) {
        counted.add(pid);
        grew = true;
      }
  }
  let ticks = 0;
  for (const pid of counted) ticks += stats.get(pid)?.ticks ?? 0;
  return ticks / 100;
}

/** The processes the engine runs on, by part, for CPU accounting. */
export interface EngineProcesses {
  server: number[];
  postgres: number[];
  workers: number[];
}

export type EngineCpu = Record<keyof EngineProcesses, number>;

/** CPU seconds used so far by each part of the engine. */
export function engineCpu(processes: EngineProcesses): EngineCpu {
  return {
    server: cpuSeconds(processes.server),
    postgres: cpuSeconds(processes.postgres),
    workers: cpuSeconds(processes.workers),
  };
}

/** CPU seconds each part used between two readings. */
export function cpuBetween(before: EngineCpu, after: EngineCpu): EngineCpu {
  return {
    server: after.server - before.server,
    postgres: after.postgres - before.postgres,
    workers: after.workers - before.workers,
  };
}
