// A rolling deploy with users in flight, on the cluster shape (temporal-server, two workers per build): build A (this
// release) runs users in every state a deploy can meet; build B (test/support/builds/next-build.ts) issues other
// commands when a quarter closes, knows a batch signal A does not, and ships a program version; it is made current
// while producers keep sending. Each of A's runs stays pinned to A until its next wake-up, then continues as new on B;
// a nudge wakes the quiet ones. At the end A is drained and its workers stop, nothing failed, nothing was lost, every
// quarter was paid once. B's program version takes effect in the running quarter only because a real clock reaches no
// later one; it is checked on users with nothing in that quarter when B became current.
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { programPayingAt } from '../../tools/scenarios/program-paying-at.ts';
import { memoryMiB } from '../../tools/infra/processes.ts';
import { CashbackClient } from '../../src/client/cashback-client.ts';
import { addQuarters, monthsOfQuarter, quarterOfInstant } from '../../src/domain/calendar.ts';
import { PROGRAM } from '../../src/domain/program-versions.ts';
import { NEXT_VERSION } from '../support/next-program.ts';
import { migrateDatabase } from '../../src/db/orm.ts';
import { countPinnedRuns, describeDeployment } from '../../src/rollout/worker-deployment.ts';
import { workflowIdFor } from '../../src/workflows/definitions.ts';
import { inSnapshot, setAccountStatus } from '../support/database.ts';
import { eventually, payment, refund } from '../support/harness.ts';
import { runCli, startWorkerProcess, type WorkerProcess } from '../../tools/infra/worker-process.ts';
import { reconciledEventually } from '../support/reconcile.ts';
import { startTestCluster, type TestServer } from '../../tools/infra/test-servers.ts';

const A = `1.0.0+rolling-a-${randomUUID().slice(0, 6)}`;
const B = `1.1.0+rolling-b-${randomUUID().slice(0, 6)}`;
/** The closed quarter the imported users are paid for. */
const quarter = addQuarters(quarterOfInstant(Date.now(), PROGRAM.timeZone), -1);
const inQuarter = `${monthsOfQuarter(quarter)[1]}-15T12:00:00+02:00`;
const GROUP = 4;

/** The build a workflow's current run is on, and its behaviour, as the server records it. */
async function buildOf(client: Client, userId: string): Promise<{ buildId?: string; behavior?: number }> {
  const { workflowExecutionInfo: info } = await client.workflowService.describeWorkflowExecution({
    namespace: client.options.namespace,
    execution: { workflowId: workflowIdFor(userId) },
  });
  const versioning = info?.versioningInfo;
  return {
    ...(versioning?.deploymentVersion?.buildId ? { buildId: versioning.deploymentVersion.buildId } : {}),
    ...(versioning?.behavior ? { behavior: versioning.behavior } : {}),
  };
}

const { WorkflowTaskFailedCause } = proto.temporal.api.enums.v1;
const causeName = (cause?: number | null) => WorkflowTaskFailedCause[cause ?? 0] ?? String(cause);
/**
 * The server refuses a task's completion when a signal arrived while the task ran and the task ended the run (here: a
 * continue-as-new); it then hands the workflow a new task with that signal. A race of producers and rollovers, not a
 * failure of the workflow: counted, not failed on.
 */
const UNHANDLED_COMMAND = 'WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND';

interface RunTasks {
  workflowId: string;
  runId: string;
  /** Build of each completed workflow task, with when it completed. */
  tasks: { buildId: string; at: number }[];
  failedTasks: string[];
}

/** Every run of the task queue (open, continued, closed) with the build of each of its workflow tasks. */
async function runsOf(client: Client, taskQueue: string): Promise<RunTasks[]> {
  const runs: RunTasks[] = [];
  for await (const run of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
    const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    const tasks: RunTasks['tasks'] = [];
    const failedTasks: string[] = [];
    for (const event of history.events ?? []) {
      const at = Number(event.eventTime?.seconds ?? 0) * 1000 + Math.floor((event.eventTime?.nanos ?? 0) / 1e6);
      const completed = event.workflowTaskCompletedEventAttributes;
      if (completed) tasks.push({ buildId: completed.deploymentVersion?.buildId ?? '', at });
      const failed = event.workflowTaskFailedEventAttributes;
      if (failed) failedTasks.push(`${causeName(failed.cause)}: ${failed.failure?.message ?? ''}`);
    }
    runs.push({ workflowId: run.workflowId, runId: run.runId, tasks, failedTasks });
  }
  return runs;
}

describe('reliability: a rolling deploy under running workflows (Worker Versioning)', () => {
  let cluster: TestServer & { databaseUrl: string };
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    // The server checks drainage every 3 minutes by default; the test needs seconds.
    cluster = await startTestCluster({
      dynamicConfig: {
        'matching.wv.VersionDrainageStatusRefreshInterval': '1s',
        'matching.wv.VersionDrainageStatusVisibilityGracePeriod': '2s',
      },
    });
    await migrateDatabase(cluster.databaseUrl);
  }, 180_000);
  afterAll(async () => {
    for (const worker of workers) await worker.stop();
    await cluster?.teardown();
  });

  it('moves every run from A to B at its next wake-up: none fails, nothing is lost, each quarter is paid once, A drains', async () => {
    const taskQueue = `rolling-${randomUUID()}`;
    const env = {
      TEMPORAL_ADDRESS: cluster.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_URL: cluster.databaseUrl,
    };
    const startBuild = async (build: string, bundle: string, setCurrent: string) => {
      const started = await Promise.all(
        [1, 2].map(() =>
          startWorkerProcess({
            ...env,
            WORKER_BUILD_ID: build,
            WORKFLOW_BUNDLE_PATH: bundle,
            WORKER_SET_CURRENT: setCurrent,
          }),
        ),
      );
      workers.push(...started);
      return started;
    };
    const aWorkers = await startBuild(A, inject('workflowBundlePath'), 'first');
    const { client } = cluster;
    expect((await describeDeployment(client))?.current).toBe(A);
    // B's workers poll from the start, as a deploy brings them up before the switch: no task reaches them until then.
    await startBuild(B, inject('rollingBuildBBundlePath'), 'never');

    const cashback = new CashbackClient(client, taskQueue);
    const prefix = `roll-${randomUUID().slice(0, 6)}`;
    const group = (name: string) => Array.from({ length: GROUP }, (_, i) => `${prefix}-${name}-${i}`);
    const now = () => new Date().toISOString();
    const sent = new Map<string, { payments: number; refunds: number }>();
    const count = (userId: string, kind: 'payments' | 'refunds') => {
      const tally = sent.get(userId) ?? { payments: 0, refunds: 0 };
      tally[kind] += 1;
      sent.set(userId, tally);
    };
    const pay = async (userId: string, cents = 1_000) => {
      const event = payment(userId, cents, now());
      await cashback.recordPayment(event);
      count(userId, 'payments');
      return event;
    };
    const imported = (userId: string, via = cashback) =>
      via.importHistory(userId, quarter, [{ type: 'payment', event: payment(userId, 20_000, inQuarter) }]);

    // Build A, users in every state a deploy can meet.
    const midQuarter = group('mid'); // payments this quarter; half pay again after the switch, half stay quiet
    const held = group('held'); // a refund waiting for its payment
    const failed = group('failed'); // last quarter's payout failed, waiting for an operator
    const asleep = group('asleep'); // last quarter closed, asleep until its payout instant (T0, after the switch)
    const continued = group('continued'); // paid last quarter, then continued as new on A
    const paidQuiet = group('paid-quiet'); // paid last quarter, nothing since: B's program version is checked on them
    const batch = group('batch'); // sent a signal only B knows, one before the switch, one after
    for (const user of midQuarter) await pay(user);
    const heldPayments = new Map<string, ReturnType<typeof payment>>();
    for (const user of held) {
      const later = payment(user, 30_000, now());
      heldPayments.set(user, later);
      await cashback.recordRefund(refund(user, later.paymentId, 10_000, now()));
      count(user, 'refunds');
    }
    for (const user of failed) await setAccountStatus(cluster.databaseUrl, user, 'blocked');
    for (const user of [...failed, ...continued, ...paidQuiet]) await imported(user);
    const batchOf = (user: string) => [1, 2].map(() => ({ type: 'payment', event: payment(user, 2_500, now()) }));
    const sendBatch = async (user: string) => {
      await client.workflow.getHandle(workflowIdFor(user)).signal('events', batchOf(user));
      count(user, 'payments');
      count(user, 'payments');
    };
    for (const user of batch) await pay(user);
    for (const user of batch.slice(0, GROUP / 2)) await sendBatch(user);
    const statusOf = (user: string) => cashback.getStatus(user);
    await eventually(async () => {
      const states = await Promise.all([...failed, ...continued, ...paidQuiet].map(statusOf));
      return states.every((s) => s.lastPaidQuarter === quarter || s.payoutStatus === 'failed') ? true : undefined;
    }, "last quarter's payouts on A");
    for (const user of continued) await pay(user); // the first event after a payout: continue-as-new, still on A
    await eventually(async () => {
      const held_ = await Promise.all(held.map(statusOf));
      return held_.every((s) => s.heldRefunds.length === 1) ? true : undefined;
    }, 'the held refunds');
    // Loaded last, so that their payout instant T0 falls after the switch however long the setup took.
    const t0 = Date.now() + 20_000;
    const sleepy = new CashbackClient(client, taskQueue, {
      program: programPayingAt(quarter, t0),
      payoutWindowHours: 0,
    });
    for (const user of asleep) await imported(user, sleepy);
    const onA = [...midQuarter, ...held, ...failed, ...asleep, ...continued, ...paidQuiet, ...batch];
    // A keeps the batch it does not know: nothing of it is applied on A.
    for (const user of batch) expect((await statusOf(user)).counters.payments).toBe(1);
    const onBuild = (users: string[], build: string, what: string) =>
      eventually(async () => {
        const builds = await Promise.all(users.map(async (user) => (await buildOf(client, user)).buildId));
        return builds.every((b) => b === build) ? true : undefined;
      }, what);
    await onBuild(onA, A, 'every run on A');
    await eventually(async () => {
      const n = await countPinnedRuns(client, A);
      return n === onA.length ? n : undefined;
    }, 'visibility to list every run pinned to A');

    const unpaid = await inSnapshot(cluster.databaseUrl, (db) =>
      db.query('select count(*)::int as n from ledger_entry where user_id like $1', [`${prefix}-asleep-%`]),
    );
    expect(unpaid.rows[0].n, 'the asleep users are still asleep at the switch').toBe(0);

    // An operator makes B current while producers keep sending.
    const producers = group('producer');
    let producing = true;
    const production = (async () => {
      for (let round = 0; producing || round < 3; round++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        for (const user of producers) {
          const bought = await pay(user, 500 + round);
          if (round % 2) {
            await cashback.recordRefund(refund(user, bought.paymentId, 100, now()));
            count(user, 'refunds');
          }
        }
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const pinnedAtSwitch = await countPinnedRuns(client, A);
    const aRssAtSwitch = aWorkers.map((worker) => memoryMiB(worker.child.pid!));
    const promoted = await runCli(['rollout', 'promote', B, '--json'], env);
    expect(promoted, promoted.stderr).toMatchObject({ code: 0 });
    const switchedAt = Date.parse((await describeDeployment(client))!.currentSince!);
    expect(JSON.parse(promoted.stdout)).toEqual({ buildId: B, outcome: 'set' });

    // After the switch: new users, events for A's users, an operator's retry, the asleep users' payout instant.
    const newUsers = group('new');
    for (const user of newUsers) await pay(user);
    for (const user of midQuarter.slice(0, GROUP / 2)) await pay(user);
    for (const user of held) {
      await cashback.recordPayment(heldPayments.get(user)!);
      count(user, 'payments');
    }
    for (const user of continued) await pay(user);
    for (const user of paidQuiet) await pay(user);
    for (const user of batch.slice(GROUP / 2)) await sendBatch(user);
    for (const user of failed) {
      await setAccountStatus(cluster.databaseUrl, user, 'open');
      const retried = await runCli(['retry-payout', user, quarter, '--json'], env);
      expect(retried, retried.stderr).toMatchObject({ code: 0 });
      expect(JSON.parse(retried.stdout)).toMatchObject({ status: 'paid' });
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, t0 - Date.now())));
    producing = false;
    await production;
    await eventually(async () => {
      const states = await Promise.all(asleep.map(statusOf));
      return states.every((s) => s.lastPaidQuarter === quarter) ? true : undefined;
    }, "the asleep users' payouts at T0");

    // The quiet ones are still pinned to A (half of midQuarter, and the users whose batch came before the switch): an
    // operator wakes them, and they move.
    const nudged = await runCli(['rollout', 'nudge', A, '--json'], env);
    expect(nudged, nudged.stderr).toMatchObject({ code: 0 });
    const quiet = JSON.parse(nudged.stdout).woken as number;
    expect(quiet).toBeGreaterThanOrEqual(GROUP);
    const drainedAt = await eventually(
      async () => {
        const a = (await describeDeployment(client))?.builds.find((build) => build.buildId === A);
        return a?.status === 'drained' && a.retirable ? Date.now() : undefined;
      },
      'A drained',
      120_000,
    );
    const status = await runCli(['rollout', 'status', '--json'], env);
    expect(JSON.parse(status.stdout)).toMatchObject({
      current: B,
      builds: expect.arrayContaining([
        expect.objectContaining({ buildId: A, status: 'drained', pinnedRuns: 0, retirable: true }),
        expect.objectContaining({ buildId: B, status: 'current' }),
      ]),
    });
    for (const worker of aWorkers) await worker.stop('SIGTERM');
    for (const worker of aWorkers) expect(await worker.exited).toEqual({ code: 0, signal: null });

    // Every user's run is now on B; new users started there.
    await onBuild([...onA, ...newUsers, ...producers], B, 'every run on B');
    const runs = await runsOf(client, taskQueue);
    const taskFailures = runs.flatMap((run) => run.failedTasks);
    expect(taskFailures.filter((failure) => !failure.startsWith(`${UNHANDLED_COMMAND}:`))).toEqual([]);
    const raced = taskFailures.length;
    for (const run of runs.filter((r) => newUsers.some((user) => r.workflowId === workflowIdFor(user))))
      expect(new Set(run.tasks.map((task) => task.buildId))).toEqual(new Set([B]));
    // A's runs finished on A only up to their wake-up: no run has a task on B and then one on A.
    for (const run of runs) {
      const builds = run.tasks.map((task) => task.buildId);
      expect(builds.lastIndexOf(A), run.workflowId).toBeLessThan(
        builds.indexOf(B) === -1 ? Infinity : builds.indexOf(B),
      );
    }

    // Nothing lost: every event sent is counted once in its user's status.
    for (const [user, tally] of sent) {
      const s = await statusOf(user);
      expect({ user, payments: s.counters.payments, refunds: s.counters.refunds }).toEqual({
        user,
        payments: tally.payments + ([...failed, ...continued, ...paidQuiet].includes(user) ? 1 : 0),
        refunds: tally.refunds,
      });
      expect(s.counters.rejected).toBe(0);
    }
    for (const user of held) expect((await statusOf(user)).heldRefunds).toEqual([]);
    for (const user of asleep) expect((await statusOf(user)).counters.payments).toBe(1);
    // B's program version governs its quarter for users whose runs were asleep on A when B became current.
    for (const user of paidQuiet)
      expect(await statusOf(user)).toMatchObject({
        currentMonth: { programVersion: NEXT_VERSION.version, tier: 1, ratePercent: 2 },
        openQuarter: { programVersion: NEXT_VERSION.version },
      });

    // Paid exactly once, and the books reconcile with the workflows.
    const paid = [...failed, ...continued, ...asleep, ...paidQuiet];
    const ledger = await inSnapshot(cluster.databaseUrl, (db) =>
      db.query('select user_id, amount_cents from ledger_entry where user_id like $1 order by user_id', [`${prefix}%`]),
    );
    expect(ledger.rows.map((row: { user_id: string }) => row.user_id)).toEqual([...paid].sort());
    expect(ledger.rows.every((row: { amount_cents: string }) => Number(row.amount_cents) === 200)).toBe(true);
    const reconciled = await reconciledEventually(quarter, {
      DATABASE_URL: cluster.databaseUrl,
      TEMPORAL_ADDRESS: cluster.address,
    });
    expect(reconciled).toMatchObject({ code: 0, violations: [], paidStatements: paid.length });

    const servedByA = runs.filter((run) => run.tasks.some((task) => task.buildId === A && task.at >= switchedAt));
    const tasksByA = servedByA.flatMap((run) =>
      run.tasks.filter((task) => task.buildId === A && task.at >= switchedAt),
    );
    console.log(
      `rolling deploy: ${pinnedAtSwitch} runs pinned to A when B became current; A was still needed for ` +
        `${((drainedAt - switchedAt) / 1000).toFixed(1)} s (until the server reported it drained), serving ` +
        `${servedByA.length} runs (${tasksByA.length} workflow tasks) after the switch; ${quiet} quiet runs moved by ` +
        `the nudge; ${runs.length} runs in all, no workflow task failed (${raced} completions refused for a signal that came meanwhile); an A worker's RSS at the switch: ` +
        `${aRssAtSwitch.map((mib) => mib.toFixed(0)).join(' and ')} MiB`,
    );
  }, 420_000);
});
