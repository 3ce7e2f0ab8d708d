// One quarter-end storm: `users` users, each with one payment in the quarter that closes, whose payouts fall due at a
// chosen instant T0 a little after they are all loaded, spread over `windowMinutes` (0: all at T0, a burst).
//
// How T0 is chosen: the program's settlement grace is set to the fraction of a day that puts the quarter's payout
// instant at T0; every other rule is the shipped program's (the workflow input's program, for benches and tests). The scheduled instant of each user is the domain's own
// userPayoutInstant, so the lag (credited − scheduled) is measured against exactly what the workflow armed.
import { CashbackClient } from '../src/client/cashback-client.ts';
import { addQuarters, monthsOfQuarter, quarterOfInstant } from '../src/domain/calendar.ts';
import { quarterPayoutInstant, userPayoutInstant } from '../src/domain/program.ts';
import { PROGRAM } from '../src/domain/program-versions.ts';
import { memoryMiB } from '../tools/infra/processes.ts';
import { programPayingAt } from '../tools/scenarios/program-paying-at.ts';
import type { BenchContext } from './context.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuBetween, engineCpu, type EngineCpu, ledgerEntries, percentile, runConcurrent, until } from './support.ts';

export interface StormOptions {
  users: number;
  windowMinutes: number;
  /** Distinguishes storms of the same run. */
  name: string;
  /** Worker processes to watch for memory (the first is ctx.worker). */
  workerPids: number[];
}

export interface StormResult {
  users: number;
  /** The quarter paid (the one before today's). */
  quarter: string;
  /** From T0 to the last credit. */
  seconds: number;
  payoutsPerSecond: number;
  lagMs: { p50: number; p99: number; max: number };
  /** Most payouts falling due in one 10-second bucket, per second; and most credited in one, per second. */
  peakDemandedPerSecond: number;
  peakAchievedPerSecond: number;
  loadSeconds: number;
  /** Users whose instant came before loading finished (paid as soon as loaded; their lag includes the wait). */
  dueBeforeLoaded: number;
  rssMiB: { before: number; after: number; peak: number };
  duplicates: number;
  /** CPU seconds the engine's processes (server, PostgreSQL, workers) used from T0 until everyone was paid. */
  cpuSeconds: EngineCpu;
}

const BUCKET_MS = 10_000;

function peakPerSecond(instants: number[]): number {
  const buckets = new Map<number, number>();
  for (const at of instants)
    buckets.set(Math.floor(at / BUCKET_MS), (buckets.get(Math.floor(at / BUCKET_MS)) ?? 0) + 1);
  return Math.max(...buckets.values()) / (BUCKET_MS / 1000);
}

/** The shipped program with a grace that pays quarter `quarter` at `t0` (plus each user's offset in the window). */
/**
 * The instant a storm of `users` falls due: far enough ahead that every workflow has been started and has run its
 * first task, its timer armed, before it fires (loading goes at 150–300 users/s, the cluster shape the slower; the
 * worker's first tasks trail the starts). Ours and the baseline use the same lead, so neither storm overlaps its own
 * loading.
 */
export function stormT0(users: number): number {
  return Date.now() + 15_000 + users * 6;
}

export async function runStorm(ctx: BenchContext, options: StormOptions): Promise<StormResult> {
  const { users, windowMinutes } = options;
  // The quarter before the current one: closed, and (with the grace below) paid at T0.
  const quarter = addQuarters(quarterOfInstant(Date.now(), PROGRAM.timeZone), -1);
  const paidAt = `${monthsOfQuarter(quarter)[1]}-15T12:00:00+02:00`;
  // With a window, users are loaded in the order of their instants, as if they all existed long before the payout day:
  // what loading still overlaps falls on the users due last. (Loading in any order, the p99 lag measured the loading
  // backlog: 115 s; in order but from 20 s ahead, 1,032 users came due during loading: 26.6 s.)
  const t0 = stormT0(users);
  const program = programPayingAt(quarter, t0);
  const payoutWindowHours = windowMinutes / 60;
  if (Math.abs(quarterPayoutInstant(program, quarter) - t0) > 1_000)
    throw new Error(`storm: could not place the ${quarter} payout at T0`);
  const cashback = new CashbackClient(ctx.client, ctx.cashbackQueue, { program, payoutWindowHours });
  const prefix = `${options.name}-${ctx.tag}-`;
  const user = (i: number) => `${prefix}${i}`;
  const scheduled = Array.from({ length: users }, (_, i) =>
    userPayoutInstant(program, payoutWindowHours, user(i), quarter),
  );
  const loadOrder = Array.from({ length: users }, (_, i) => i).sort((a, b) => scheduled[a]! - scheduled[b]!);

  const rss = () => options.workerPids.reduce((sum, pid) => sum + memoryMiB(pid), 0);
  const rssBefore = rss();
  ctx.log(`${options.name}: loading ${users} users, payouts from T0 over ${windowMinutes} min`);
  const loadStarted = performance.now();
  await runConcurrent(users, 32, (n) => {
    const i = loadOrder[n]!;
    return cashback.importHistory(user(i), quarter, [
      {
        type: 'payment',
        event: {
          paymentId: `${user(i)}-1`,
          userId: user(i),
          amount: { cents: 10_000 + i, currency: 'EUR' },
          kind: 'online',
          fundingAccount: 'seqr_account',
          occurredAt: paidAt,
        },
      },
    ]);
  });
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const loadedAt = Date.now();
  const slack = (t0 - Date.now()) / 1000;
  ctx.log(`${options.name}: loaded in ${loadSeconds.toFixed(0)} s; T0 in ${slack.toFixed(0)} s`);

  const engine = { ...ctx.engine, workers: [...new Set([...ctx.engine.workers, ...options.workerPids])] };
  await sleep(Math.max(0, t0 - Date.now()));
  const cpuAtT0 = engineCpu(engine);
  let peakRss = rssBefore;
  let lastReport = 0;
  await until(
    async () => {
      const paid = await ledgerEntries(ctx.pool, prefix);
      peakRss = Math.max(peakRss, rss());
      if (paid - lastReport >= Math.min(1_000, Math.ceil(users / 10)) || (paid === users && lastReport < users)) {
        lastReport = paid;
        const since = (Date.now() - t0) / 1000;
        ctx.log(
          `${options.name}: ${paid}/${users} paid, T0 ${since >= 0 ? '+' : ''}${since.toFixed(0)} s, RSS ${rss().toFixed(0)} MiB`,
        );
      }
      return paid >= users;
    },
    `every ${options.name} payout`,
    30 * 60_000 + windowMinutes * 60_000,
    500,
  );
  const cpuUsed = cpuBetween(cpuAtT0, engineCpu(engine));
  const credits = (
    await ctx.pool.query<{ user_id: string; at: number; n: string }>(
      `select user_id, (extract(epoch from min(created_at)) * 1000)::float8 as at, count(*) as n
         from ledger_entry where user_id like $1 group by user_id`,
      [`${prefix}%`],
    )
  ).rows;
  const creditedAt = new Map(credits.map((c) => [c.user_id, Number(c.at)]));
  const lags = scheduled.map((at, i) => creditedAt.get(user(i))! - at);
  const last = Math.max(...creditedAt.values());
  const seconds = (last - Math.min(...scheduled)) / 1000;
  return {
    users,
    quarter,
    seconds,
    payoutsPerSecond: users / seconds,
    lagMs: { p50: percentile(lags, 50), p99: percentile(lags, 99), max: Math.max(...lags) },
    peakDemandedPerSecond: peakPerSecond(scheduled),
    peakAchievedPerSecond: peakPerSecond([...creditedAt.values()]),
    loadSeconds,
    dueBeforeLoaded: scheduled.filter((at) => at < loadedAt).length,
    rssMiB: { before: rssBefore, after: rss(), peak: peakRss },
    duplicates: credits.filter((c) => Number(c.n) > 1).length,
    cpuSeconds: cpuUsed,
  };
}
