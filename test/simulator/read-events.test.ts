// The simulator's file reader on its own: both formats, columns in any order, and every malformed line reported with
// its number while the rest is still read.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS, readEvents, type FileEvent } from '../../src/simulator/read-events.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'seqr-read-events-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function read(name: string, text: string): Promise<FileEvent[]> {
  const path = join(dir, name);
  await writeFile(path, text);
  const events: FileEvent[] = [];
  for await (const batch of readEvents(path)) events.push(...batch);
  return events;
}

describe('readEvents', () => {
  it('reads CSV by header name, whatever the column order, with each line number', async () => {
    const header = [...CSV_COLUMNS].reverse().join(',');
    const payment = ['2027-01-15T12:00:00+01:00', 'seqr_account', 'in_store', 'EUR', '1000', '', 'u1', 'p1', 'payment'];
    const refund = ['2027-01-16T12:00:00+01:00', '', '', '', '250', 'p1', 'u1', 'r1', 'refund'];
    const events = await read('events.csv', [header, payment.join(','), refund.join(',')].join('\n') + '\n');
    expect(events).toEqual([
      {
        line: 2,
        type: 'payment',
        raw: {
          paymentId: 'p1',
          userId: 'u1',
          amount: { cents: 1000, currency: 'EUR' },
          kind: 'in_store',
          fundingAccount: 'seqr_account',
          occurredAt: '2027-01-15T12:00:00+01:00',
        },
      },
      {
        line: 3,
        type: 'refund',
        raw: {
          refundId: 'r1',
          paymentId: 'p1',
          userId: 'u1',
          amount: { cents: 250, currency: 'EUR' },
          occurredAt: '2027-01-16T12:00:00+01:00',
        },
      },
    ]);
  });

  it('reports a CSV row of the wrong width or type and reads on', async () => {
    const good = 'payment,p2,u2,,500,EUR,online,sepa_direct_debit,2027-02-01T10:00:00+01:00';
    const events = await read(
      'bad.csv',
      [CSV_COLUMNS.join(','), 'payment,p1,u1', 'transfer,x,u1,,1,EUR,,,', good].join('\n'),
    );
    expect(events.map(({ line, type, problem }) => ({ line, type, problem }))).toEqual([
      { line: 2, type: undefined, problem: `expected 9 columns (${CSV_COLUMNS.join(',')}), got 3` },
      { line: 3, type: undefined, problem: 'type must be payment or refund, got "transfer"' },
      { line: 4, type: 'payment', problem: undefined },
    ]);
  });

  it('stops at a CSV header that lacks a column, saying which', async () => {
    const events = await read('short.csv', 'type,id,userId\npayment,p1,u1\n');
    expect(events).toHaveLength(1);
    expect(events[0]!.problem).toMatch(
      /^the header lacks paymentId, cents, currency, kind, fundingAccount, occurredAt/,
    );
  });

  it('reads JSON lines, skips blank ones, and reports what is not JSON or not an event', async () => {
    const payment = { type: 'payment', paymentId: 'p1', userId: 'u1', amount: { cents: 100, currency: 'EUR' } };
    const events = await read('events.jsonl', [JSON.stringify(payment), '', '{oops', '{"type":"gift"}'].join('\n'));
    expect(events[0]).toEqual({
      line: 1,
      type: 'payment',
      raw: { paymentId: 'p1', userId: 'u1', amount: payment.amount },
    });
    expect(events.slice(1).map(({ line, problem }) => ({ line, problem: problem?.split(':')[0] }))).toEqual([
      { line: 3, problem: 'not JSON' },
      { line: 4, problem: '"type" must be "payment" or "refund", got "gift"' },
    ]);
  });

  it('refuses a file whose format it cannot tell', () => {
    expect(() => readEvents(join(dir, 'events.txt'))).toThrow('cannot tell the format of');
  });
});
