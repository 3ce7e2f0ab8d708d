// A worker that meets an unencrypted payload (from a producer that does not encrypt yet) decodes it as before, counts it
// and logs it without its content, so that an operator sees which workflows still receive payloads in clear.
import type { Runtime } from '@temporalio/worker';
import type { PlaintextObserver } from './encryption-codec.ts';

export const PLAINTEXT_PAYLOADS_METRIC = 'seqr_plaintext_payloads_received';

export function plaintextPayloadObserver(runtime: Runtime): PlaintextObserver {
  const counter = runtime.metricMeter.createCounter(
    PLAINTEXT_PAYLOADS_METRIC,
    'payloads',
    'payloads a worker decoded that arrived unencrypted',
  );
  return ({ encoding, bytes, context }) => {
    counter.add(1, { encoding: encoding || 'none' });
    runtime.logger.warn('unencrypted payload received', {
      encoding,
      bytes,
      ...(context?.type === 'workflow' ? { workflowId: context.workflowId } : {}),
      ...(context?.type === 'activity' && context.workflowId ? { workflowId: context.workflowId } : {}),
    });
  };
}
