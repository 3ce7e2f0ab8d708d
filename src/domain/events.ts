// The payment service's events, their schemas and validation: specific messages, the same checks at the client and in
// the workflow.
import { z } from 'zod';
import { instantOf } from './calendar.ts';
import { LIMITS } from './config.ts';

const EARLIEST = Date.UTC(2000, 0, 1);

export const eligibleKinds = ['in_store', 'online', 'shop_on_the_spot'] as const;
export const paymentKinds = [...eligibleKinds, 'p2p', 'charity'] as const;
export const fundingAccounts = ['seqr_account', 'sepa_direct_debit'] as const;
export type PaymentKind = (typeof paymentKinds)[number];

/** Eligibility depends on the kind only; the funding account never matters. */
export function isEligible(kind: PaymentKind): boolean {
  return (eligibleKinds as readonly string[]).includes(kind);
}

export const MAX_EVENT_BYTES = 2048;

/**
 * The schemas, built on first use and then kept. Building them is costly (zod clones a schema for every chained
 * check), and built at import it would be paid by every run a worker creates: once per payout in a quarter-end storm,
 * where runs have left the worker's cache. Workflows share this module (src/workflows/shared-libraries.ts), so a
 * worker thread builds them once. Kept in this closure, never exported as objects: the worker freezes what workflows
 * share, and zod memoises lazily on its schemas.
 */
function buildSchemas() {
  const id = (what: string) =>
    z
      .string({ error: `${what} is required and must be a string` })
      .min(1, `${what} must not be empty`)
      .max(LIMITS.maxIdLength, `${what} must be at most ${LIMITS.maxIdLength} characters`)
      .regex(/^[A-Za-z0-9_.:@-]+$/, `${what} may contain only letters, digits and _ . : @ -`);

  const amount = z
    .object(
      {
        cents: z
          .number({ error: 'amount.cents must be a number of euro cents' })
          .int('amount.cents must be a whole number of cents')
          .positive('amount.cents must be positive')
          .max(LIMITS.maxPaymentCents, `amount.cents must be at most ${LIMITS.maxPaymentCents} (€1,000,000)`),
        currency: z.literal('EUR', { error: 'amount.currency must be "EUR"' }),
      },
      { error: 'amount must be an object { cents, currency }' },
    )
    .strict();

  const occurredAt = z.iso
    .datetime({
      offset: true,
      error: 'occurredAt must be an ISO-8601 instant with an offset, e.g. 2027-01-15T10:00:00+01:00',
    })
    .max(40, 'occurredAt must be at most 40 characters')
    .refine(
      (value) => instantOf(value) >= EARLIEST, // NaN compares false
      'occurredAt must be a real instant after 2000-01-01',
    );

  return {
    /** A user id, as every event carries it: also what a status request must name. */
    userId: id('userId'),
    payment: z
      .object({
        paymentId: id('paymentId'),
        userId: id('userId'),
        amount,
        kind: z.enum(paymentKinds, { error: `kind must be one of ${paymentKinds.join(', ')}` }),
        fundingAccount: z.enum(fundingAccounts, {
          error: `fundingAccount must be one of ${fundingAccounts.join(', ')}`,
        }),
        occurredAt,
      })
      .strict(),
    refund: z
      .object({
        refundId: id('refundId'),
        paymentId: id('paymentId'),
        userId: id('userId'),
        amount,
        occurredAt,
      })
      .strict(),
  };
}

type EventSchemas = ReturnType<typeof buildSchemas>;
let schemas: EventSchemas | undefined;

/** The zod schemas of events and user ids (the contract generates its JSON Schemas from them). */
export function eventSchemas(): EventSchemas {
  return (schemas ??= buildSchemas());
}

export type PaymentEvent = z.infer<EventSchemas['payment']>;
export type RefundEvent = z.infer<EventSchemas['refund']>;
export type CashbackEvent = ({ type: 'payment' } & PaymentEvent) | ({ type: 'refund' } & RefundEvent);
export type EventType = CashbackEvent['type'];
export const eventTypes: readonly EventType[] = ['payment', 'refund'];

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: string[] };

function validate<T>(schema: z.ZodType<T>, raw: unknown, nowMs: number): Validation<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    // Measured only for a refused event: every field of an accepted one is bounded, so it is far below the limit (a
    // test holds the largest), and a JSON.stringify per event would slow the simulator for nothing.
    let size: number;
    try {
      size = JSON.stringify(raw)?.length ?? 0;
    } catch {
      return { ok: false, errors: ['event is not serialisable JSON'] };
    }
    if (size > MAX_EVENT_BYTES)
      return { ok: false, errors: [`event is ${size} bytes; at most ${MAX_EVENT_BYTES} are accepted`] };
    return { ok: false, errors: parsed.error.issues.map((issue) => issue.message) };
  }
  const at = instantOf((parsed.data as { occurredAt: string }).occurredAt);
  if (at > nowMs + LIMITS.maxFutureSkewMs) {
    return {
      ok: false,
      errors: [`occurredAt ${new Date(at).toISOString()} is in the future (now ${new Date(nowMs).toISOString()})`],
    };
  }
  return { ok: true, value: parsed.data };
}

/** The one place that picks the schema for an event type: the client, the workflow and the simulator all call it. */
export function validateEvent(type: 'payment', raw: unknown, nowMs: number): Validation<PaymentEvent>;
export function validateEvent(type: 'refund', raw: unknown, nowMs: number): Validation<RefundEvent>;
export function validateEvent(type: EventType, raw: unknown, nowMs: number): Validation<PaymentEvent | RefundEvent>;
export function validateEvent(type: EventType, raw: unknown, nowMs: number): Validation<PaymentEvent | RefundEvent> {
  const { payment, refund } = eventSchemas();
  return type === 'payment' ? validate(payment, raw, nowMs) : validate(refund, raw, nowMs);
}

/** A best-effort id of a raw (possibly malformed) event, for reporting its rejection. */
export function describeRawEvent(raw: unknown): string {
  if (raw && typeof raw === 'object') {
    const record = raw as Record<string, unknown>;
    const eventId = record.refundId ?? record.paymentId;
    if (typeof eventId === 'string') return eventId.slice(0, LIMITS.maxIdLength);
  }
  return '(unidentified event)';
}
