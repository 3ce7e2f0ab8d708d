// A worker refuses a build that would change the rules under running workflows: a published version changed or missing,
// or a new one for a quarter that has already begun. Clocks are fixed instants, never today's date.
import { describe, expect, it } from 'vitest';
import { ProgramPublicationError, publishProgram } from '../../src/db/published-program.ts';
import { PROGRAM } from '../../src/domain/program-versions.ts';
import type { Program, ProgramVersion } from '../../src/domain/program.ts';
import { ownDatabase } from '../support/books.ts';

const books = ownDatabase();
const may2027 = Date.parse('2027-05-10T12:00:00+02:00'); // in 2027-Q2
const v1 = PROGRAM.versions[0]!;
const next = (fields: Partial<ProgramVersion>): ProgramVersion => ({
  ...v1,
  version: 2,
  effectiveFrom: '2027-Q3',
  ...fields,
});
const build = (...versions: ProgramVersion[]): Program => ({ ...PROGRAM, versions: [v1, ...versions] });

describe('published program versions', () => {
  it('records what the first deploy ships, then each new version once; refuses changes, gaps and begun quarters', async () => {
    const { orm } = books;
    expect(await publishProgram(orm, PROGRAM, may2027)).toEqual([1]);
    expect(await publishProgram(orm, PROGRAM, may2027)).toEqual([]);

    // Version 2 ships in May for 2027-Q3: fine. Two builds racing with different version 2s: one wins, one is refused.
    const [a, b] = await Promise.allSettled([
      publishProgram(orm, build(next({ minimumPayoutCents: 200 })), may2027),
      publishProgram(orm, build(next({ minimumPayoutCents: 300 })), may2027),
    ]);
    expect([a.status, b.status].sort()).toEqual(['fulfilled', 'rejected']);
    const winner = a.status === 'fulfilled' ? 200 : 300;
    const v2 = next({ minimumPayoutCents: winner });
    expect(await publishProgram(orm, build(v2), may2027)).toEqual([]);

    const refusal = (program: Program) => publishProgram(orm, program, may2027);
    await expect(refusal(build(v2, { ...next({}), version: 3, effectiveFrom: '2027-Q2' }))).rejects.toThrow(
      /version 3 takes effect from 2027-Q2, which has already begun \(now 2027-Q2\).*2027-Q3 or later/,
    );
    const richer = { ...v1, tiers: v1.tiers.map((t) => ({ ...t, ratePercent: t.ratePercent + 1 })) };
    await expect(refusal({ ...PROGRAM, versions: [richer, v2] })).rejects.toThrow(
      /version 1 differs from the one deployed/,
    );
    await expect(refusal({ ...build(v2), timeZone: 'Europe/Helsinki' })).rejects.toThrow(/version 1 differs/);
    await expect(refusal(PROGRAM)).rejects.toThrow(
      /version 2 \(from 2027-Q3\) was deployed before and this build does not/,
    );
    await expect(refusal(PROGRAM)).rejects.toBeInstanceOf(ProgramPublicationError);

    // What was refused left nothing behind.
    const rows = await orm.em
      .getConnection()
      .execute('select version, effective_from from published_program_version order by version');
    expect(rows).toEqual([
      { version: 1, effective_from: '2000-Q1' },
      { version: 2, effective_from: '2027-Q3' },
    ]);
  });
});
