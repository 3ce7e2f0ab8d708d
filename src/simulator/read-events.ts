// Streams events from a .csv or .jsonl file with their line numbers; a malformed line is reported, the rest still read.
import { parse } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { EventType } from '../domain/events.ts';

export interface FileEvent {
  line: number;
  type?: EventType;
  raw?: unknown;
  /** Why the line could not be read as an event. */
  problem?: string;
}

export const CSV_COLUMNS = [
  'type',
  'id',
  'userId',
  'paymentId',
  'cents',
  'currency',
  'kind',
  'fundingAccount',
  'occurredAt',
] as const;

function eventType(value: unknown): EventType | undefined {
  return value === 'payment' || value === 'refund' ? value : undefined;
}

function fromCsvRecord(record: Record<string, string>): Pick<FileEvent, 'type' | 'raw' | 'problem'> {
  const type = eventType(record.type);
  if (!type) return { problem: `type must be payment or refund, got "${record.type ?? ''}"` };
  const cents = /^-?\d+(\.\d+)?$/.test(record.cents ?? '') ? Number(record.cents) : record.cents;
  const amount = { cents, currency: record.currency || 'EUR' };
  const raw =
    type === 'payment'
      ? {
          paymentId: record.id,
          userId: record.userId,
          amount,
          kind: record.kind,
          fundingAccount: record.fundingAccount,
          occurredAt: record.occurredAt,
        }
      : {
          refundId: record.id,
          paymentId: record.paymentId,
          userId: record.userId,
          amount,
          occurredAt: record.occurredAt,
        };
  return { type, raw };
}

async function* readCsv(path: string): AsyncGenerator<FileEvent> {
  const parser = createReadStream(path).pipe(
    parse({ columns: true, relax_column_count: true, skip_empty_lines: true, trim: true, info: true }),
  );
  // csv-parse counts short or long rows cumulatively: a row is malformed when the count moves.
  let invalidSoFar = 0;
  for await (const { record, info } of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number; invalid_field_length: number };
  }>) {
    const missing = CSV_COLUMNS.filter((column) => !(column in record));
    const wrongLength = info.invalid_field_length > invalidSoFar;
    invalidSoFar = info.invalid_field_length;
    if (missing.length || wrongLength) {
      yield {
        line: info.lines,
        problem: `expected ${CSV_COLUMNS.length} columns (${CSV_COLUMNS.join(',')}), got ${Object.keys(record).length}`,
      };
      continue;
    }
    yield { line: info.lines, ...fromCsvRecord(record) };
  }
}

async function* readJsonLines(path: string): AsyncGenerator<FileEvent> {
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    line += 1;
    if (!text.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      yield { line, problem: `not JSON: ${(error as Error).message}` };
      continue;
    }
    const { type, ...raw } = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
    const kind = eventType(type);
    yield kind
      ? { line, type: kind, raw }
      : { line, problem: `"type" must be "payment" or "refund", got ${JSON.stringify(type)}` };
  }
}

export function readEvents(path: string): AsyncGenerator<FileEvent> {
  if (path.endsWith('.csv')) return readCsv(path);
  if (path.endsWith('.jsonl') || path.endsWith('.ndjson')) return readJsonLines(path);
  throw new Error(`cannot tell the format of ${path}: name it .csv or .jsonl`);
}
