// docs/configuration.md's tables, rendered from the environment's schema (src/config/environment.ts): each variable,
// its default and its meaning (the schema's `.describe()`), so the page cannot drift from what the engine reads.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { environmentSchema, temporalVariables } from '../../src/config/environment.ts';
import { fillBetween, table, wrap } from './markdown.ts';

export const configurationPage = fileURLToPath(new URL('../../docs/configuration.md', import.meta.url));

interface Variable {
  name: string;
  default: string;
  /** The values an enum allows. */
  values: string;
  meaning: string;
}

/** The variable's default (or "unset"), the values an enum allows, and its meaning. */
function describeVariable(name: string, field: z.ZodType): Variable {
  const def = field._zod.def as { type: string; defaultValue?: unknown; innerType?: z.ZodType };
  const inner = def.innerType?._zod.def as { type: string; entries?: Record<string, string> } | undefined;
  const values = inner?.type === 'enum' && inner.entries ? Object.values(inner.entries) : undefined;
  const meaning = field.description;
  if (!meaning) throw new Error(`${name} has no .describe() in src/config/environment.ts: say what it is for`);
  return {
    name,
    default: def.type === 'default' ? `\`${String(def.defaultValue)}\`` : 'unset',
    values: values ? values.map((v) => `\`${v}\``).join(', ') : '',
    meaning,
  };
}

export function renderConfiguration(): string {
  const variables = Object.entries(environmentSchema.shape).map(([name, field]) =>
    describeVariable(name, field as z.ZodType),
  );
  const engine = table(
    ['variable', 'default', 'values', 'meaning'],
    variables.map((v) => [`\`${v.name}\``, v.default, v.values, v.meaning]),
  );
  const temporal = temporalVariables.map((name) => `\`${name}\``).join(', ');
  return `${engine}\n\n${wrap(`The Temporal connection, read by \`@temporalio/envconfig\`: ${temporal}.`)}`;
}

/** docs/configuration.md as the generator renders it. */
export function configurationPageText(): string {
  return fillBetween(readFileSync(configurationPage, 'utf8'), 'configuration', renderConfiguration(), configurationPage);
}
