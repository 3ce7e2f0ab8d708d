// A signal this build does not know (a newer producer's, such as a batch of events) is never lost: the run keeps it,
// applies nothing of it, and carries it over continue-as-new, until a build that knows it runs the user
// (the rolling deploy test shows that build applying it).
import { describe, expect, it } from 'vitest';
import { workflowIdFor, type CashbackWorkflowInput } from '../../src/workflows/definitions.ts';
import { eventually, nextRunId, payment, withHarness } from '../support/harness.ts';
import { decodePayloads } from '../support/payloads.ts';

describe('signals of a newer build', () => {
  it('are kept, applied to nothing, and carried into the next run', async () => {
    await withHarness(async (h) => {
      const user = h.newUser('unknown-signal');
      const handle = h.env.client.workflow.getHandle(workflowIdFor(user));
      await h.advanceTo('2083-02-10T12:00:00+01:00');
      await h.cashback.recordPayment(payment(user, 20_000, '2083-02-10T12:00:00+01:00'));
      const batch = [{ type: 'payment', event: payment(user, 5_000, '2083-02-10T12:00:00+01:00') }];
      await handle.signal('events', batch);
      const first = (await handle.describe()).runId;
      await h.advanceTo('2083-04-05T00:00:00+02:00');
      await eventually(async () => ((await h.ledger(user)).length ? true : undefined), 'the Q1 credit');
      expect((await h.cashback.getStatus(user)).counters).toMatchObject({ payments: 1, rejected: 0 });
      // The first event after the payout rolls the run over.
      await h.cashback.recordPayment(payment(user, 1_000, '2083-04-05T00:00:00+02:00'));
      const next = await nextRunId(handle, first);
      const started = (await h.env.client.workflow.getHandle(workflowIdFor(user), next).fetchHistory()).events?.[0];
      const [input] = await decodePayloads<CashbackWorkflowInput>(
        started?.workflowExecutionStartedEventAttributes?.input?.payloads,
      );
      expect(input?.unknownSignals).toEqual([{ name: 'events', args: [batch], receivedAt: expect.any(Number) }]);
      expect((await h.cashback.getStatus(user)).counters).toMatchObject({ payments: 2, rejected: 0 });
    });
  });
});
