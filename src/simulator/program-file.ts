// A proposed program from a JSON file, checked with the schema the shipped program is held to, errors named by place.
import { readFile } from 'node:fs/promises';
import { parseProgramVersions } from '../domain/program-schema.ts';
import type { Program } from '../domain/program.ts';
import { PROGRAM } from '../domain/program-versions.ts';

export class ProgramFileError extends Error {
  override name = 'ProgramFileError';
}

/** The program in `path`: its versions, in the shipped program's time zone (one zone for every version). */
export async function readProgramFile(path: string): Promise<Program> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ProgramFileError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ProgramFileError(`${path} is not JSON: ${(error as Error).message}`);
  }
  const parsed = parseProgramVersions(value);
  if (!parsed.ok) throw new ProgramFileError(`${path} is not a valid program:\n  ${parsed.errors.join('\n  ')}`);
  return { timeZone: PROGRAM.timeZone, versions: parsed.versions };
}
