// `pay` and `refund`: send test events through the same client the payment service uses.
import { randomUUID } from 'node:crypto';
import { formatEuros } from '../../domain/money.ts';
import type { CliContext } from '../context.ts';
import { printJson, UsageError } from '../output.ts';

/** "12.34" euros or "1234c" cents → cents. */
export function parseAmount(text: string): number {
  const cents = /^(\d+)c$/.exec(text);
  if (cents) return Number(cents[1]);
  const euros = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!euros) throw new UsageError(`amount must be euros like 12.34, or cents like 1234c; got "${text}"`);
  return Number(euros[1]) * 100 + Number((euros[2] ?? '').padEnd(2, '0'));
}

export async function payCommand(
  ctx: CliContext,
  userId: string,
  amount: string,
  options: { kind: string; funding: string; at?: string; id?: string; json?: boolean },
): Promise<void> {
  const event = {
    paymentId: options.id ?? `cli-${randomUUID()}`,
    userId,
    amount: { cents: parseAmount(amount), currency: 'EUR' },
    kind: options.kind,
    fundingAccount: options.funding,
    occurredAt: options.at ?? new Date().toISOString(),
  };
  const payment = await (await ctx.cashback()).recordPayment(event);
  if (options.json) return printJson(payment);
  process.stdout.write(
    `recorded payment ${payment.paymentId}: ${formatEuros(payment.amount.cents)} ${payment.kind} for ${userId}\n`,
  );
}

export async function refundCommand(
  ctx: CliContext,
  userId: string,
  paymentId: string,
  amount: string,
  options: { at?: string; id?: string; json?: boolean },
): Promise<void> {
  const event = {
    refundId: options.id ?? `cli-${randomUUID()}`,
    paymentId,
    userId,
    amount: { cents: parseAmount(amount), currency: 'EUR' },
    occurredAt: options.at ?? new Date().toISOString(),
  };
  const { refund, check } = await (await ctx.cashback()).recordRefund(event);
  if (options.json) return printJson({ ...refund, check });
  const note = {
    checked: '',
    held: ` (held until payment ${paymentId} arrives)`,
    unchecked: ' (no worker answered in time: the workflow checks it against its payment when it runs)',
  }[check];
  process.stdout.write(
    `recorded refund ${refund.refundId}: ${formatEuros(refund.amount.cents)} of payment ${paymentId}${note}\n`,
  );
}
