// One entry point for an incoming event, as received: validate again (defensively), then apply or record the rejection.
import { describeRawEvent, validatePayment, validateRefund } from './events.ts';
import { applyPayment, applyRefund, reject, type CashbackState, type Outcome } from './state.ts';

export type EventType = 'payment' | 'refund';

export function applyRawEvent(state: CashbackState, type: EventType, raw: unknown, receivedAtMs: number): Outcome {
  if (type === 'payment') {
    const payment = validatePayment(raw, receivedAtMs);
    return payment.ok ? applyPayment(state, payment.value, receivedAtMs) : reject(state, describeRawEvent(raw), payment.errors.join('; '), receivedAtMs);
  }
  const refund = validateRefund(raw, receivedAtMs);
  return refund.ok ? applyRefund(state, refund.value, receivedAtMs) : reject(state, describeRawEvent(raw), refund.errors.join('; '), receivedAtMs);
}
