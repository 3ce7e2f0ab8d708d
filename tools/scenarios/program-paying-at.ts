// A program whose payout of `quarter` falls at the instant t0: the benches', chaos's and the tests' storms. Only the
// settlement grace moves (to the fraction of a day that puts the payout at t0); every other rule is the shipped one.
import { payoutInstant, quarterEnd } from '../../src/domain/calendar.ts';
import type { Program } from '../../src/domain/program.ts';
import { PROGRAM } from '../../src/domain/program-versions.ts';

const DAY_MS = 86_400_000;

export function programPayingAt(quarter: string, t0: number): Program {
  const zone = PROGRAM.timeZone;
  // Whole days of grace are calendar days (a summer-time change between the quarter's end and T0 moves the instant an
  // hour): one correction against the domain's own payoutInstant lands it on T0.
  let graceDays = (t0 - quarterEnd(quarter, zone)) / DAY_MS;
  graceDays += (t0 - payoutInstant(quarter, zone, graceDays)) / DAY_MS;
  return { ...PROGRAM, versions: PROGRAM.versions.map((version) => ({ ...version, settlementGraceDays: graceDays })) };
}
