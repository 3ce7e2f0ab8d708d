// Payload encryption (AES-256-GCM, src/codec/): what it costs, ON against OFF in the same run. Payments per second
// through CashbackClient.recordPayment (measured as the ingestion case measures them), payouts per second in a burst
// storm (as the storm case), and the bytes a payment adds to Temporal's database (cluster shape: its history tables, and
// the whole database in the note; per payment over the ingestion rounds). Target (the issue): ingestion and the storm at
// ≥ 95 % of the unencrypted rate. The workers' and the server's own CPU is in the storm's CPU per payout.
//
// Each arm has a cashback worker process of its own, started fresh for this case on a task queue of its own, the two
// alike but for PAYLOAD_ENCRYPTION (ON: the run's key ring; OFF: off, no keys), and a client to match: ON the run's
// encrypting client, OFF one without a codec. (The run's own worker is not an arm: earlier cases fill its cache.) Rounds
// alternate OFF ON, ON OFF, each round into users of its own, and each arm is pooled over its rounds. After each
// ingestion round the case waits until the arm's worker has applied every payment, so that the next round starts from a
// quiet engine and the database's growth holds all that round wrote.
//
// With --quick (about 100 s): 2 × 1,500 payments and one storm round of 200 users, a smoke test whose ratios moved by
// ±20 % between runs on a shared 2-core machine (a storm of 200 takes 4–6 s). The measurement is the full size:
// `npm run bench -- --server cluster --only encryption` (2 × 4,000 payments into 1,000 users, 2 × 1,500 in the storm).
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { ENCRYPTED_ENCODING } from '../../src/codec/encryption-codec.ts';
import { CashbackClient } from '../../src/client/cashback-client.ts';
import { withSession } from '../../src/db/pg-session.ts';
import { workflowIdFor } from '../../src/workflows/definitions.ts';
import { startWorkerProcess, type WorkerProcess } from '../../tools/infra/worker-process.ts';
import type { BenchContext } from '../context.ts';
import { unencrypted } from '../payload-keys.ts';
import { runStorm, type StormResult } from '../storm-run.ts';
import { inRoundOrder, row, runConcurrent, until, type Row, type Timed } from '../support.ts';
import { ingestionEvent, PRODUCERS, summary } from './ingestion.ts';
import { cpuPerPayoutRow, payoutRate } from './storm.ts';

const { HistoryEvent } = proto.temporal.api.history.v1;

/** The cluster shape's persistence database on the bench's PostgreSQL (tools/infra/temporal-cluster.ts). */
const TEMPORAL_DATABASE = 'temporal';

type ArmName = 'off' | 'on';

interface Arm {
  name: ArmName;
  worker: WorkerProcess;
  cashback: CashbackClient;
  /** The bench context as this arm's storm sees it: its client, task queue and worker. */
  ctx: BenchContext;
  ingestion: Timed[];
  /** Growth of Temporal's history tables and of its whole database over each ingestion round. */
  bytes: TemporalBytes[];
  /** History events of each ingestion round's workflows. */
  events: number[];
  /** The mean size of a payment's signal event, encoded as Temporal stores it (one workflow of the first round). */
  signalBytes: number;
  storm: StormResult[];
}

interface TemporalBytes {
  /**
   * The history tables (events, and the runs' branches), with their indexes and TOAST: nothing deletes from them during
   * a run (retention is days), so they grow by what was appended, to the page.
   */
  history: number;
  /**
   * The whole database: the history tables and every other (mutable state, task and queue tables). Temporal deletes
   * its done tasks' rows and PostgreSQL reuses their pages, so a round's growth depends on what went before it.
   */
  database: number;
}

async function temporalBytes(ctx: BenchContext): Promise<TemporalBytes> {
  const url = new URL(ctx.databaseUrl);
  url.pathname = `/${TEMPORAL_DATABASE}`;
  return withSession(url.toString(), async (session) => {
    const { rows } = await session.query<{ history: string; database: string }>(
      `select pg_total_relation_size('history_node') + pg_total_relation_size('history_tree') as history,
              pg_database_size(current_database()) as database`,
    );
    return { history: Number(rows[0]!.history), database: Number(rows[0]!.database) };
  });
}

/** A workflow's history as Temporal stores it: its start input's payload encoding, its payment signals' mean size. */
async function storedHistory(client: Client, workflowId: string) {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const metadata = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.metadata;
  const signals = (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes);
  const bytes = signals.reduce((sum, e) => sum + HistoryEvent.encode(e).finish().length, 0);
  return {
    encoding: new TextDecoder().decode(metadata?.encoding ?? new Uint8Array()),
    signalBytes: bytes / signals.length,
  };
}

export async function encryption(ctx: BenchContext): Promise<Row[]> {
  const payments = ctx.quick ? 1_500 : 4_000;
  const users = ctx.quick ? 100 : 1_000;
  const rounds = ctx.rounds ?? 2;
  const stormUsers = ctx.stormUsers ?? (ctx.quick ? 200 : 1_500);
  const stormRounds = ctx.rounds ?? (ctx.quick ? 1 : 2);
  const measuresBytes = ctx.shape === 'cluster';
  const event = ingestionEvent(ctx, users);

  ctx.log(`encryption: starting a cashback worker with encryption off and one with it on`);
  const arms: Arm[] = [];
  try {
    for (const name of ['off', 'on'] as const) {
      const taskQueue = `bench-encryption-${name}`;
      const client = name === 'on' ? ctx.client : ctx.plainClient;
      const worker = await startWorkerProcess({
        ...ctx.workerEnv,
        TEMPORAL_TASK_QUEUE: taskQueue,
        ...(name === 'off' ? unencrypted.env : {}),
      });
      const cashback = new CashbackClient(client, taskQueue);
      arms.push({
        name,
        worker,
        cashback,
        ctx: { ...ctx, client, cashback, cashbackQueue: taskQueue, worker },
        ingestion: [],
        bytes: [],
        events: [],
        signalBytes: Number.NaN,
        storm: [],
      });
    }

    ctx.log(`encryption: ${rounds} × ${payments} payments into ${users} users from ${PRODUCERS} producers, off and on`);
    for (let round = 1; round <= rounds; round += 1)
      for (const arm of inRoundOrder(round, arms)) {
        const prefix = `enc${arm.name}${round}`;
        const before = measuresBytes ? await temporalBytes(ctx) : undefined;
        arm.ingestion.push(
          await runConcurrent(payments, PRODUCERS, (i) => arm.cashback.recordPayment(event(i, prefix))),
        );
        await until(
          async () => {
            let applied = 0;
            await runConcurrent(users, 16, async (u) => {
              const status = await arm.cashback.getStatus(event(u, prefix).userId);
              applied += status.counters.payments;
            });
            return applied === payments;
          },
          `the encryption ${arm.name} arm's payments applied`,
          10 * 60_000,
          1_000,
        );
        if (before) {
          const after = await temporalBytes(ctx);
          arm.bytes.push({ history: after.history - before.history, database: after.database - before.database });
          // Signals that arrive while the worker is busy share a workflow task (a task is three events), so the events a
          // payment adds, and its bytes, depend on how far the worker trails the producers, not on encryption alone.
          let events = 0;
          await runConcurrent(users, 16, async (u) => {
            const handle = arm.ctx.client.workflow.getHandle(workflowIdFor(event(u, prefix).userId));
            const { historyLength } = await handle.describe();
            events += historyLength;
          });
          arm.events.push(events);
        }
        if (round === 1) {
          // What Temporal holds is what the arm says: ciphertext with encryption on, JSON in clear with it off.
          const stored = await storedHistory(ctx.client, workflowIdFor(event(0, prefix).userId));
          if ((stored.encoding === ENCRYPTED_ENCODING) !== (arm.name === 'on'))
            throw new Error(`encryption ${arm.name}: Temporal holds payloads encoded "${stored.encoding}"`);
          arm.signalBytes = stored.signalBytes;
        }
      }

    for (let round = 1; round <= stormRounds; round += 1)
      for (const arm of inRoundOrder(round, arms)) {
        const name = `enc${arm.name}-storm${round}`;
        const result = await runStorm(arm.ctx, {
          users: stormUsers,
          windowMinutes: 0,
          name,
          workerPids: [arm.worker.child.pid!],
        });
        if (result.duplicates > 0)
          throw new Error(`encryption ${name}: ${result.duplicates} users paid more than once`);
        arm.storm.push(result);
      }
  } finally {
    for (const arm of arms) await arm.worker.stop();
  }

  const [off, on] = arms as [Arm, Arm];
  const ingested = (arm: Arm) => summary(`encryption ${arm.name}`, arm.ingestion, rounds * payments);
  const orders = (n: number) =>
    Array.from({ length: n }, (_, i) => inRoundOrder(i + 1, ['off', 'on']).join(' ')).join(', ');
  const perRound = (ratios: number[]) => ratios.map((ratio) => `${(ratio * 100).toFixed(0)} %`).join(', ');
  const ingestionRatios = on.ingestion.map((t, i) => off.ingestion[i]!.seconds / t.seconds);
  const stormRatios = on.storm.map((r, i) => r.payoutsPerSecond / off.storm[i]!.payoutsPerSecond);
  const rows = [
    row({
      case: 'encryption',
      metric: `payments/s, encryption on (${rounds} × ${payments})`,
      value: ingested(on).perSecond,
      unit: '/s',
      baseline: { name: 'encryption off', value: ingested(off).perSecond },
      note:
        `target ≥ 95 %; rounds ${orders(rounds)}; per round ${perRound(ingestionRatios)}; ` +
        `p50 / p99 ${ingested(on).p50.toFixed(0)} / ${ingested(on).p99.toFixed(0)} ms on, ` +
        `${ingested(off).p50.toFixed(0)} / ${ingested(off).p99.toFixed(0)} ms off`,
    }),
    row({
      case: 'encryption',
      metric: `payouts/s, encryption on (${stormRounds} × ${stormUsers} users, burst)`,
      value: payoutRate(on.storm),
      unit: '/s',
      baseline: { name: 'encryption off', value: payoutRate(off.storm) },
      note: `target ≥ 95 %; rounds ${orders(stormRounds)}; per round ${perRound(stormRatios)}`,
    }),
    cpuPerPayoutRow(
      { case: 'encryption', metric: 'storm CPU per payout (server, PostgreSQL, workers)' },
      on.storm,
      off.storm,
      { ours: 'on', baseline: 'encryption off', baselineShort: 'off' },
    ),
  ];
  if (measuresBytes) {
    const perPayment = (arm: Arm, key: keyof TemporalBytes) =>
      arm.bytes.reduce((sum, b) => sum + b[key], 0) / (rounds * payments);
    const eventsPerPayment = (arm: Arm) => arm.events.reduce((sum, n) => sum + n, 0) / (rounds * payments);
    const perEvent = (arm: Arm) => (perPayment(arm, 'history') / eventsPerPayment(arm)).toFixed(0);
    rows.push(
      row({
        case: 'encryption',
        metric: "bytes per payment in Temporal's history tables, encryption on",
        value: perPayment(on, 'history'),
        unit: 'B',
        baseline: { name: 'encryption off', value: perPayment(off, 'history') },
        note:
          `history_node + history_tree growth over the ingestion rounds (${users} users a round, their starts ` +
          `included); a payment's signal event ${on.signalBytes.toFixed(0)} B on, ${off.signalBytes.toFixed(0)} B ` +
          `off; events per payment ${eventsPerPayment(on).toFixed(2)} on, ${eventsPerPayment(off).toFixed(2)} ` +
          `off, so ${perEvent(on)} B an event on, ${perEvent(off)} B off; the whole ${TEMPORAL_DATABASE} database ` +
          `${perPayment(on, 'database').toFixed(0)} B on, ${perPayment(off, 'database').toFixed(0)} B off ` +
          '(noisy: freed task pages are reused)',
      }),
    );
  }
  return rows;
}
