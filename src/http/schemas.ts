// What each route takes and answers, as zod schemas: the server validates requests with them and /openapi.json is
// generated from them. Request bodies are the producer contract's own schemas (src/domain/events.ts), so the contract,
// the client's validation and the HTTP API cannot disagree.
import { z } from 'zod';
import { eventSchemas } from '../domain/events.ts';
import { payoutSummaries, statementOutcomes, unpaidPayoutStatuses } from '../domain/payout-status.ts';
import { minimumPolicies } from '../domain/program.ts';
import type { CashbackStatus } from '../domain/status.ts';

/** A type as plain objects and arrays, so that how it is written (interfaces, Omit, intersections) does not count. */
type Plain<T> = T extends readonly (infer U)[] ? Plain<U>[] : T extends object ? { [K in keyof T]: Plain<T[K]> } : T;
/** The same shape, optional properties included: mutual assignability alone misses a property only one side has. */
type Exactly<A, B> = (<T>() => T extends Plain<A> ? 1 : 2) extends <T>() => T extends Plain<B> ? 1 : 2 ? true : false;

const month = z.string().describe('YYYY-MM, in the program time zone');
const quarter = z.string().describe('YYYY-Qn');
const cents = z.number().int();
const hundredths = z.number().int().describe('hundredths of a cent, exact');
const instant = z.string().describe('an ISO-8601 instant');

// A month's tally (MonthTally): a statement's line; adjustments and the current month are made from it, as in the domain.
const statementLine = z.object({
  month,
  programVersion: z.number().int(),
  eligiblePayments: z.number().int(),
  netSpendCents: cents,
  tier: z.number().int(),
  ratePercent: z.number(),
  cashback: hundredths,
});

const quarterStatement = z.object({
  userId: z.string(),
  quarter,
  programVersion: z.number().int(),
  closedAt: instant,
  lines: z.array(statementLine),
  adjustments: z.array(
    statementLine
      .pick({ month: true, programVersion: true, eligiblePayments: true, netSpendCents: true, tier: true })
      .extend({ previously: hundredths, now: hundredths, delta: hundredths }),
  ),
  carriedIn: hundredths,
  total: hundredths,
  roundedCents: cents,
  payableCents: cents,
  carriedOut: hundredths,
  forfeited: hundredths,
  minimumPolicy: z.enum(minimumPolicies),
  outcome: z.enum(statementOutcomes),
});

const cashbackStatus = z.object({
  userId: z.string(),
  asOf: instant,
  currentMonth: statementLine
    .omit({ cashback: true })
    .extend({ paymentsToNextTier: z.number().int().optional().describe('absent at the top tier') }),
  openQuarter: z.object({
    quarter,
    programVersion: z.number().int(),
    payoutAt: instant,
    payoutDate: z.string().describe('the payout day in the program time zone, e.g. 2027-04-04'),
    payoutTime: z.string().describe("the user's time that day in the program time zone, e.g. 13:37"),
    estimated: hundredths,
    estimatedCents: cents,
  }),
  carryForward: hundredths,
  payoutStatus: z.enum(payoutSummaries).describe('failed wins over pending, pending over paid; none before any payout'),
  lastPaidQuarter: quarter.optional(),
  unpaid: z.array(
    z.object({
      quarter,
      amountCents: cents,
      status: z.enum(unpaidPayoutStatuses),
      failureReason: z.string().optional(),
      attempts: z.number().int(),
    }),
  ),
  lastStatements: z.array(quarterStatement),
  counters: z.object({
    payments: z.number().int(),
    refunds: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.number().int(),
  }),
  recentRejections: z.array(z.object({ eventId: z.string(), reason: z.string(), at: instant })),
  heldRefunds: z.array(
    z.object({ refundId: z.string(), paymentId: z.string(), amountCents: cents, heldSince: instant, until: quarter }),
  ),
});

/** The status route's answer: tsc fails here when CashbackStatus and this schema stop describing the same thing. */
export const cashbackStatusSchema: z.ZodType<CashbackStatus> = cashbackStatus;
const statusSchemaMatchesType: Exactly<z.output<typeof cashbackStatus>, CashbackStatus> = true;
void statusSchemaMatchesType;

const errorBody = z.object({
  error: z.string(),
  errors: z.array(z.string()).optional().describe('every field error, as the client words it'),
});

const ERRORS = {
  400: 'not a valid event (or user id): every field error is listed',
  401: 'a bearer token is required (Authorization: Bearer <INGEST_TOKEN>)',
  404: 'no such user (no event received yet)',
  413: 'the body is larger than the limit',
  415: 'the body must be application/json',
  422: 'a valid event that cannot apply: a refund above what is left of its payment',
  503: 'Temporal is not reachable right now: retry',
} as const;

function errors<Code extends keyof typeof ERRORS>(...codes: Code[]) {
  return Object.fromEntries(codes.map((code) => [code, errorBody.describe(ERRORS[code])])) as Record<
    Code,
    typeof errorBody
  >;
}

export const routeSchemas = {
  payment: {
    operationId: 'recordPayment',
    summary: 'Record a payment (durable once answered 202; repeats of the same paymentId are harmless)',
    body: eventSchemas().payment,
    response: {
      202: z
        .object({ status: z.literal('recorded'), paymentId: z.string() })
        .describe('recorded: the payment is durable in Temporal'),
      ...errors(400, 401, 413, 415, 503),
    },
  },
  refund: {
    operationId: 'recordRefund',
    summary: 'Record a refund (durable once answered 202; repeats of the same refundId are harmless)',
    body: eventSchemas().refund,
    response: {
      202: z
        .object({
          status: z.literal('recorded'),
          refundId: z.string(),
          check: z
            .enum(['checked', 'held', 'unchecked'])
            .describe('its payment: it fits (checked), has not arrived (held), or gave no answer in time (unchecked)'),
        })
        .describe('recorded: the refund is durable in Temporal'),
      ...errors(400, 401, 413, 415, 422, 503),
    },
  },
  status: {
    operationId: 'getCashback',
    summary: "A user's cashback status: this month, tier, open quarter, payouts, held refunds, rejections",
    params: z.object({ userId: eventSchemas().userId }),
    response: { 200: cashbackStatusSchema.describe('the status'), ...errors(400, 401, 404, 503) },
  },
  health: {
    operationId: 'health',
    summary: 'the process is up',
    security: [],
    response: { 200: z.object({ status: z.literal('ok') }).describe('up') },
  },
  ready: {
    operationId: 'ready',
    summary: 'Temporal is reachable',
    security: [],
    response: { 200: z.object({ status: z.literal('ready') }).describe('ready'), ...errors(503) },
  },
};
