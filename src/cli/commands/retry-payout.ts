// `retry-payout`: an operator's retry of a failed payout, under its original idempotency key, through the engine's client.
import { formatEuros } from '../../domain/money.ts';
import type { CliContext } from '../context.ts';
import { printJson } from '../output.ts';

export async function retryPayoutCommand(
  ctx: CliContext,
  userId: string,
  quarter: string,
  options: { json?: boolean },
): Promise<void> {
  const result = await (await ctx.cashback()).retryPayout(userId, quarter);
  if (options.json) return printJson(result);
  if (result.status === 'paid')
    process.stdout.write(
      `paid ${formatEuros(result.amountCents)} to ${userId} for ${quarter} (ledger entry ${result.ledgerEntryId})\n`,
    );
  else {
    process.stdout.write(`the ${quarter} payout of ${userId} failed again: ${result.failureReason}\n`);
    process.exitCode = 1;
  }
}
