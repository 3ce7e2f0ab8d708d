// One entry point for an incoming event, as received: validate again (defensively), then apply or record the rejection.
import { describeRawEvent, validateEvent, type EventType, type PaymentEvent, type RefundEvent } from './events.ts';
import { applyPayment, applyRefund, reject, type CashbackState, type Outcome } from './state.ts';

export function applyRawEvent(state: CashbackState, type: EventType, raw: unknown, receivedAtMs: number): Outcome {
  const checked = validateEvent(type, raw, receivedAtMs);
  if (!checked.ok) return reject(state, describeRawEvent(raw), checked.errors.join('; '), receivedAtMs);
  return type === 'payment'
    ? applyPayment(state, checked.value as PaymentEvent, receivedAtMs)
    : applyRefund(state, checked.value as RefundEvent, receivedAtMs);
}
