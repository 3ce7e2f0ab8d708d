// The workflow bundle shares zod, luxon and the domain across workflows: a bundler change that drops the preload again
// would quietly put a copy of zod back into every cached run (about 0.7 MB each, 2.5 GiB of worker RSS in the storm),
// and have every new run evaluate the domain and build the event schemas again (1.4 ms).
import { readFile } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';
import { sharedDomain } from '../../src/workflows/shared-libraries.ts';

/** The bundled source of one module, by its path in the repository. */
function moduleSource(code: string, path: string): string {
  const start = code.indexOf(`/***/ "${path}"`);
  if (start < 0) throw new Error(`${path} is not in the bundle`);
  const end = code.indexOf('/***/ "', start + 10);
  return code.slice(start, end < 0 ? undefined : end);
}

/** Every object reachable from `value` through own properties, as the SDK's deep freeze walks it. */
function reachable(value: unknown, seen = new Set<object>()): Set<object> {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) return seen;
  seen.add(value);
  if (typeof value === 'object') for (const key of Reflect.ownKeys(value)) reachable(Reflect.get(value, key), seen);
  return seen;
}

describe('the workflow bundle', () => {
  it('preloads the shared module, and it reaches zod, luxon and every domain module the workflows use', async () => {
    const code = await readFile(inject('workflowBundlePath'), 'utf8');
    const preload = /preloadModules = function preloadModules\(\) \{([^}]*)\}/.exec(code)?.[1] ?? '';
    expect(preload).toContain('"./src/workflows/shared-libraries.ts"');
    const shared = moduleSource(code, './src/workflows/shared-libraries.ts');
    expect(shared).toMatch(/node_modules\/zod\//);
    expect(shared).toMatch(/node_modules\/luxon\//);
    const domainInBundle = [...code.matchAll(/^\/\*\*\*\/ "(\.\/src\/domain\/[^"]+)"/gm)].map((m) => m[1]!);
    expect(domainInBundle.length).toBeGreaterThan(5);
    for (const path of domainInBundle) expect(shared, `${path} is not shared`).toContain(`"${path}"`);
  });

  it('shares no zod schema: the SDK freezes what it shares, and zod memoises lazily on its schemas', () => {
    const schemas = [...reachable(sharedDomain)].filter((object) => '_zod' in object);
    expect(schemas).toEqual([]);
    // The schemas themselves are built on first use and kept out of reach of the freeze.
    expect(sharedDomain.events.eventSchemas().payment.safeParse({}).success).toBe(false);
    expect([...reachable(sharedDomain)].filter((object) => '_zod' in object)).toEqual([]);
  });
});
