// What keeps a deploy from changing the rules under running workflows: every program version a worker has run is
// recorded in the database as first deployed; a worker refuses to start when its build changes one, lacks one, or brings
// a new one for a quarter that has already begun. The tests hold published versions against a snapshot in the
// repository; this holds them against what production has actually run.
import type { MikroORM } from '@mikro-orm/postgresql';
import { isDeepStrictEqual } from 'node:util';
import { addQuarters, quarterIndex, quarterOfInstant } from '../domain/calendar.ts';
import { PROGRAM } from '../domain/program-versions.ts';
import type { Program, ProgramVersion } from '../domain/program.ts';

export class ProgramPublicationError extends Error {
  override name = 'ProgramPublicationError';
}

interface Published {
  version: number;
  effective_from: string;
  rules: Record<string, unknown>;
}

/** What is recorded of a version: its rules and the program's zone (a changed zone moves every month). */
function rulesOf(
  program: Program,
  { version: _, effectiveFrom: __, ...rules }: ProgramVersion,
): Record<string, unknown> {
  return { timeZone: program.timeZone, ...rules };
}

/** Why `program` may not run on top of what earlier deploys published, at `nowMs`; empty when it may. */
export function publicationProblems(program: Program, published: Published[], nowMs: number): string[] {
  const problems: string[] = [];
  const shipped = new Map(program.versions.map((version) => [version.version, version]));
  for (const record of published) {
    const version = shipped.get(record.version);
    if (!version)
      problems.push(
        `version ${record.version} (from ${record.effective_from}) was deployed before and this build does not ship ` +
          'it: workers would disagree about the quarters it governs',
      );
    else if (
      version.effectiveFrom !== record.effective_from ||
      !isDeepStrictEqual(rulesOf(program, version), record.rules)
    )
      problems.push(
        `version ${record.version} differs from the one deployed before: published versions never change, add a new ` +
          'version instead (docs/changing-the-program.md)',
      );
  }
  // The first deploy publishes what it ships.
  if (published.length === 0) return problems;
  const current = quarterOfInstant(nowMs, program.timeZone);
  const known = new Set(published.map((record) => record.version));
  for (const version of program.versions)
    if (!known.has(version.version) && quarterIndex(version.effectiveFrom) <= quarterIndex(current))
      problems.push(
        `version ${version.version} takes effect from ${version.effectiveFrom}, which has already begun (now ` +
          `${current}): running workflows would change rules they have already applied; make it effective from ` +
          `${addQuarters(current, 1)} or later`,
      );
  return problems;
}

/**
 * Records the versions this build ships that no earlier deploy did, after checking it may run (see above); returns the
 * versions recorded. Several workers may start at once: each checks again after writing.
 */
export async function publishProgram(orm: MikroORM, program: Program = PROGRAM, nowMs = Date.now()): Promise<number[]> {
  const connection = orm.em.getConnection();
  const read = async () =>
    (await connection.execute(
      'select version, effective_from, rules from published_program_version order by version',
    )) as Published[];
  const check = (published: Published[]) => {
    const problems = publicationProblems(program, published, nowMs);
    if (problems.length)
      throw new ProgramPublicationError(`this build's program may not run here:\n  ${problems.join('\n  ')}`);
  };
  const before = await read();
  check(before);
  const known = new Set(before.map((record) => record.version));
  const fresh = program.versions.filter((version) => !known.has(version.version));
  for (const version of fresh)
    await connection.execute(
      `insert into published_program_version (version, effective_from, rules) values (?, ?, ?::jsonb)
       on conflict (version) do nothing`,
      [version.version, version.effectiveFrom, JSON.stringify(rulesOf(program, version))],
    );
  if (fresh.length) check(await read());
  return fresh.map((version) => version.version);
}
