// A key rotation mid-quarter, on the time-skipping server: payments before and after it, one payout, and the next run
// starts under the new key (continue-as-new re-encrypts what it carries). The old key still decrypts the history the
// rotated worker replays (no workflow cache: every task replays from the first event).
import { describe, expect, it } from 'vitest';
import { newKey } from '../../src/codec/key-ring.ts';
import { workflowIdFor } from '../../src/workflows/definitions.ts';
import { eventually, nextRunId, payment, withHarness } from '../support/harness.ts';
import { keyIdsOf } from '../support/payloads.ts';

describe('key rotation', () => {
  it('mid-quarter: the run pays exactly once, and its next run is under the new key', async () => {
    const oldKey = `old:${newKey()}`;
    const newRing = `${oldKey},new:${newKey()}`;
    await withHarness(
      async (h) => {
        const user = h.newUser('rotation');
        const handle = h.env.client.workflow.getHandle(workflowIdFor(user));
        await h.advanceTo('2083-02-10T12:00:00+01:00');
        await h.cashback.recordPayment(payment(user, 20_000, '2083-02-10T12:00:00+01:00'));
        const first = (await handle.describe()).runId;
        const started = async (runId: string) =>
          (await h.env.client.workflow.getHandle(workflowIdFor(user), runId).fetchHistory()).events?.[0]
            ?.workflowExecutionStartedEventAttributes;
        expect(keyIdsOf((await started(first))?.input?.payloads)).toEqual(['old']);

        await h.rotateKeys(newRing, 'new');
        await h.advanceTo('2083-03-10T12:00:00+01:00');
        await h.cashback.recordPayment(payment(user, 10_000, '2083-03-10T12:00:00+01:00'));
        // The rotated worker replays the whole run, old-key payloads included, to answer.
        expect((await h.cashback.getStatus(user)).counters).toMatchObject({ payments: 2, rejected: 0 });

        await h.advanceTo('2083-04-05T00:00:00+02:00');
        await eventually(async () => ((await h.ledger(user)).length ? true : undefined), 'the Q1 credit');
        // The first event after the payout rolls the run over: its input is the carried state, under the new key.
        await h.cashback.recordPayment(payment(user, 1_000, '2083-04-05T00:00:00+02:00'));
        const next = await nextRunId(handle, first);
        expect(keyIdsOf((await started(next))?.input?.payloads)).toEqual(['new']);
        expect(await h.ledger(user)).toEqual([
          { idempotencyKey: `cashback:${user}:2083-Q1`, quarter: '2083-Q1', amountCents: 300 },
        ]);
        expect((await h.cashback.getStatus(user)).counters).toMatchObject({ payments: 3, rejected: 0 });
      },
      { payloadKeys: oldKey, redeployable: true },
    );
  });
});
