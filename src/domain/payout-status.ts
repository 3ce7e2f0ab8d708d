// The payout status words, each set once: the types derive from these arrays, and the entity, the CLI, the OpenAPI
// document and the database's CHECK constraint (test/db/schema.test.ts) are held to them. The values are persisted (in
// PostgreSQL, in workflow state and in the PayoutStatus search attribute), so they never change.

/** What closing a quarter decided: credit the total, carry it forward below the minimum, or nothing to pay. */
export const statementOutcomes = ['payable', 'below_minimum', 'nothing_due'] as const;
export type StatementOutcome = (typeof statementOutcomes)[number];

/**
 * A closed quarter's payout as PostgreSQL stores it (quarter_statement.payout_status): a payable quarter is pending
 * until its credit is paid or failed; the other outcomes are final as they are.
 */
export const quarterPayoutStatuses = ['pending', 'paid', 'below_minimum', 'failed', 'nothing_due'] as const;
export type QuarterPayoutStatus = (typeof quarterPayoutStatuses)[number];

/** A payout the workflow still owes (its state's `unpaid`): not credited yet, or its last credit failed. */
export const unpaidPayoutStatuses = ['pending', 'failed'] as const;
export type UnpaidPayoutStatus = (typeof unpaidPayoutStatuses)[number];

/**
 * One word for a user's payouts, shown in their status and the PayoutStatus search attribute: failed wins over pending,
 * pending over paid; none before the first payout.
 */
export const payoutSummaries = ['failed', 'pending', 'paid', 'none'] as const;
export type PayoutSummary = (typeof payoutSummaries)[number];
