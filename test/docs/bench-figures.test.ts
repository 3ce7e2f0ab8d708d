// docs/performance.md and docs/capacity.md show the committed bench run (docs/bench/) as the generator renders it: a
// figure in those pages is never typed by hand. `npm run docs` regenerates them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  benchPages,
  projectionTable,
  readBenchResults,
  renderCapacityFigures,
  renderPerformanceFigures,
  type BenchResults,
} from '../../tools/docs/bench-figures.ts';
import { longestCell } from '../../tools/docs/markdown.ts';

describe('bench figures in the docs', () => {
  it.each(benchPages().map(({ file, text }) => [file.replace(/.*\/docs\//, 'docs/'), text]))(
    '%s is what npm run docs renders from docs/bench/',
    (file, text) => {
      expect(readFileSync(file, 'utf8')).toBe(text);
    },
  );

  it('names the date and the machine of each run it shows', () => {
    const runs = readBenchResults();
    expect(runs.length).toBeGreaterThan(0);
    const page = renderPerformanceFigures(runs);
    for (const run of runs) {
      expect(page).toContain(run.at.slice(0, 10));
      expect(page).toContain(run.machine);
    }
  });

  it('keeps every generated table cell to about 100 characters', () => {
    const runs = readBenchResults();
    expect(longestCell(renderPerformanceFigures(runs)).length).toBeLessThanOrEqual(110);
    expect(longestCell(renderCapacityFigures(runs)).length).toBeLessThanOrEqual(110);
  });

  it('renders the capacity rows of a run that has them, and leaves them out of the performance tables', () => {
    const run: BenchResults = {
      at: '2026-11-26T10:00:00.000Z',
      machine: '2 × test CPU, 24 GiB, Node v24.0.0',
      seconds: 100,
      quick: false,
      shapes: ['cluster'],
      rows: [
        { case: 'capacity', metric: 'billable actions per payment', value: 1, unit: '' },
        { case: 'storm', metric: 'payouts/s (1 × 10 users, burst)', value: 40, unit: '/s' },
      ],
    };
    expect(renderCapacityFigures([run])).toContain('| capacity | billable actions per payment | 1.00 |');
    expect(renderPerformanceFigures([run])).not.toContain('billable actions per payment');
    expect(renderPerformanceFigures([run])).toContain('payouts/s (1 × 10 users, burst)');
  });

  it('projects a million users from the measured costs, and only from measured ones', () => {
    const projected = projectionTable({
      actionsPerPayment: 1,
      actionsPerUserQuarter: 6,
      postgresMiBPer10kPayments: undefined,
      ourBytesPerUserQuarter: 1_000,
      workerMsPerPayment: undefined,
      workerMsPerUserQuarter: undefined,
      payoutsPerSecondOneWorker: 40,
    });
    // 20 M payments × 1 + a third of a million user-quarters × 6 = 22 M actions a month.
    expect(projected).toContain('| Temporal actions a month | 22.0 M |');
    // A million users × 4 quarters × 1,000 bytes.
    expect(projected).toContain('| our database a year | 4.0 GB |');
    // A million payouts at 40 a second: 6.9 hours.
    expect(projected).toContain('| every user due at one instant, one worker | 6.94 h |');
    expect(projected).not.toContain('PostgreSQL growth');
    expect(projected).not.toContain('worker CPU');
  });
});
