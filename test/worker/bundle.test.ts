// The workflow bundle shares zod, luxon and the zod-free domain across workflows: a bundler change that drops the
// preload again would quietly put a copy of zod back into every cached run (about 0.7 MB each, 2.5 GiB of worker RSS
// in the storm) and start the calendar's caches empty for every new run.
import { readFile } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';

/** The bundled source of one module, by its path in the repository. */
function moduleSource(code: string, path: string): string {
  const start = code.indexOf(`/***/ "${path}"`);
  if (start < 0) throw new Error(`${path} is not in the bundle`);
  const end = code.indexOf('/***/ "', start + 10);
  return code.slice(start, end < 0 ? undefined : end);
}

describe('the workflow bundle', () => {
  it('preloads the shared libraries, and the module that does so reaches zod, luxon and the calendar', async () => {
    const code = await readFile(inject('workflowBundlePath'), 'utf8');
    const preload = /preloadModules = function preloadModules\(\) \{([^}]*)\}/.exec(code)?.[1] ?? '';
    expect(preload).toContain('"./src/workflows/shared-libraries.ts"');
    const shared = moduleSource(code, './src/workflows/shared-libraries.ts');
    expect(shared).toMatch(/node_modules\/zod\//);
    expect(shared).toMatch(/node_modules\/luxon\//);
    expect(shared).toContain('"./src/domain/calendar.ts"');
  });

  it('shares no module that builds zod schemas: the SDK freezes what it shares, and they memoise lazily', async () => {
    const code = await readFile(inject('workflowBundlePath'), 'utf8');
    const required = (path: string) =>
      [...moduleSource(code, path).matchAll(/__webpack_require__\(\/\*! [^ ]+ \*\/ "([^"]+)"\)/g)].map((m) => m[1]!);
    // Every module the shared one reaches, through our own imports (libraries are what they are).
    const reached = new Set<string>();
    const visit = (path: string) => {
      if (reached.has(path) || !path.startsWith('./src/')) return;
      reached.add(path);
      for (const next of required(path)) visit(next);
    };
    visit('./src/workflows/shared-libraries.ts');
    expect([...reached]).toContain('./src/domain/program.ts');
    const zodUsers = [...reached].filter(
      (path) => path !== './src/workflows/shared-libraries.ts' && required(path).some((m) => m.includes('/zod/')),
    );
    expect(zodUsers).toEqual([]);
  });
});
