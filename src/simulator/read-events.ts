// Streams events from a .csv or .jsonl file with their line numbers; a malformed line is reported, the rest still read.
import { parse } from 'csv-parse';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
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

type Column = (typeof CSV_COLUMNS)[number];
/** Where each column is in a row, from the header (columns may come in any order). */
type Positions = Record<Column, number>;

function fromCsvRow(row: string[], at: Positions): Pick<FileEvent, 'type' | 'raw' | 'problem'> {
  const field = (column: Column) => row[at[column]]!.trim();
  const type = eventType(field('type'));
  if (!type) return { problem: `type must be payment or refund, got "${field('type')}"` };
  const text = field('cents');
  const cents = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  const amount = { cents, currency: field('currency') || 'EUR' };
  const raw =
    type === 'payment'
      ? {
          paymentId: field('id'),
          userId: field('userId'),
          amount,
          kind: field('kind'),
          fundingAccount: field('fundingAccount'),
          occurredAt: field('occurredAt'),
        }
      : {
          refundId: field('id'),
          paymentId: field('paymentId'),
          userId: field('userId'),
          amount,
          occurredAt: field('occurredAt'),
        };
  return { type, raw };
}

/**
 * A stream's items in batches, as many as are buffered at each wake-up: one await per chunk of the file instead of one
 * per record (async iteration per record was a fifth of reading a large file).
 */
async function* batchesOf<T>(stream: Readable): AsyncGenerator<T[]> {
  let wake = () => {};
  let failure: unknown;
  let ended = false;
  stream.on('readable', () => wake());
  stream.on('end', () => {
    ended = true;
    wake();
  });
  stream.on('error', (error) => {
    failure = error;
    wake();
  });
  for (;;) {
    if (failure) throw failure;
    const batch: T[] = [];
    for (let item = stream.read() as T | null; item !== null; item = stream.read() as T | null) batch.push(item);
    if (batch.length) yield batch;
    else if (ended) return;
    else await new Promise<void>((resolve) => (wake = resolve));
  }
}

async function* readCsv(path: string): AsyncGenerator<FileEvent[]> {
  // Rows as arrays, named by the header's positions: csv-parse's `columns` objects slow a large file's reading down.
  const parser = createReadStream(path).pipe(parse({ relax_column_count: true, skip_empty_lines: true, info: true }));
  let positions: Positions | undefined;
  let width = 0;
  for await (const rows of batchesOf<{ record: string[]; info: { lines: number } }>(parser)) {
    const events: FileEvent[] = [];
    for (const { record, info } of rows) {
      if (!positions) {
        const header = record.map((name) => name.trim());
        const missing = CSV_COLUMNS.filter((column) => !header.includes(column));
        if (missing.length) {
          const problem = `the header lacks ${missing.join(', ')} (expected ${CSV_COLUMNS.join(',')})`;
          yield [{ line: info.lines, problem }];
          parser.destroy();
          return;
        }
        positions = Object.fromEntries(CSV_COLUMNS.map((column) => [column, header.indexOf(column)])) as Positions;
        width = header.length;
      } else if (record.length !== width) {
        const problem = `expected ${width} columns (${CSV_COLUMNS.join(',')}), got ${record.length}`;
        events.push({ line: info.lines, problem });
      } else events.push({ line: info.lines, ...fromCsvRow(record, positions) });
    }
    yield events;
  }
}

function fromJsonLine(line: number, text: string): FileEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { line, problem: `not JSON: ${(error as Error).message}` };
  }
  const { type, ...raw } = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const kind = eventType(type);
  return kind
    ? { line, type: kind, raw }
    : { line, problem: `"type" must be "payment" or "refund", got ${JSON.stringify(type)}` };
}

async function* readJsonLines(path: string): AsyncGenerator<FileEvent[]> {
  let line = 0;
  let events: FileEvent[] = [];
  for await (const text of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    line += 1;
    if (text.trim()) events.push(fromJsonLine(line, text));
    if (events.length >= 1_000) {
      yield events;
      events = [];
    }
  }
  if (events.length) yield events;
}

/** The file's events in order, in batches (each line read once, whatever the batch size). */
export function readEvents(path: string): AsyncGenerator<FileEvent[]> {
  if (path.endsWith('.csv')) return readCsv(path);
  if (path.endsWith('.jsonl') || path.endsWith('.ndjson')) return readJsonLines(path);
  throw new Error(`cannot tell the format of ${path}: name it .csv or .jsonl`);
}
