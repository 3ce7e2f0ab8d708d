// Human output (tables, colours) or --json for scripts; errors as one line and a non-zero exit code.
import Table from 'cli-table3';
import { DateTime } from 'luxon';
import pc from 'picocolors';

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printTable(head: string[], rows: (string | number)[][]): void {
  const table = new Table({ head: head.map((h) => pc.bold(h)), style: { head: [], border: [] } });
  table.push(...rows.map((row) => row.map(String)));
  process.stdout.write(`${table.toString()}\n`);
}

export function printPairs(pairs: [string, string | number][]): void {
  const width = Math.max(...pairs.map(([key]) => key.length));
  for (const [key, value] of pairs) process.stdout.write(`${pc.dim(key.padEnd(width))}  ${value}\n`);
}

export function colourStatus(status: string): string {
  if (status === 'failed') return pc.red(status);
  if (status === 'paid') return pc.green(status);
  if (status === 'pending') return pc.yellow(status);
  return status;
}

/** An instant in the program's time zone: "4 Jan 2027, 00:00". */
export function formatInstant(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { zone }).toFormat('d LLL yyyy, HH:mm');
}

/** Bad input from the user: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
