// docs/configuration.md lists every variable the environment's schema reads, with the schema's defaults and meanings:
// the page is what the generator renders from src/config/environment.ts. `npm run docs` regenerates it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { environmentSchema } from '../../src/config/environment.ts';
import { configurationPage, configurationPageText, renderConfiguration } from '../../tools/docs/configuration.ts';

describe('docs/configuration.md', () => {
  it('is what npm run docs renders from the environment schema', () => {
    expect(readFileSync(configurationPage, 'utf8')).toBe(configurationPageText());
  });

  it('has a row for every variable, with its default, and a meaning for each', () => {
    const rendered = renderConfiguration();
    for (const [name, field] of Object.entries(environmentSchema.shape)) {
      expect(field.description, `${name} needs a .describe()`).toBeTruthy();
      expect(rendered).toContain(`| \`${name}\` |`);
    }
    expect(rendered).toContain('| `INGEST_PORT` | `8088` |');
    expect(rendered).toContain('| `DATABASE_URL` | unset |');
    expect(rendered).toContain('| `LOG_LEVEL` | `INFO` | `TRACE`, `DEBUG`, `INFO`, `WARN`, `ERROR` |');
  });
});
