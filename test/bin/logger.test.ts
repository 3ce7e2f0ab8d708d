// The worker's log: one readable line per record for a person, one JSON object per line for machines.
import { PassThrough } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createLogger, type LogFormat } from '../../src/bin/logger.ts';

async function logged(format: LogFormat): Promise<string> {
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const logger = createLogger('INFO', format, output);
  logger.info('credited', {
    userId: 'u1',
    quarter: '2027-Q1',
    amount: '€14.00',
    taskToken: 'c2VjcmV0',
    namespace: 'default',
  });
  logger.debug('below the level', {});
  await new Promise((resolve) => setTimeout(resolve, 50));
  return stripVTControlCharacters(text); // colours, where the terminal has them
}

describe('worker log', () => {
  it('json: one object per line, with every field but the task token', async () => {
    const lines = (await logged('json')).trim().split('\n');
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]!);
    expect(record).toMatchObject({
      level: 'info',
      msg: 'credited',
      userId: 'u1',
      quarter: '2027-Q1',
      namespace: 'default',
    });
    expect(record).not.toHaveProperty('taskToken');
  });

  it('pretty: one readable line per record, the level and message first, no JSON, no task token', async () => {
    const lines = (await logged('pretty')).trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: credited/);
    expect(lines[0]).toContain('"userId":"u1"');
    expect(lines[0]).not.toContain('c2VjcmV0');
    expect(lines[0]).not.toContain('namespace');
    expect(() => JSON.parse(lines[0]!)).toThrow();
  });
});
