// The workflow bundle shares zod, luxon and the domain across workflows: a bundler change that drops the preload again
// would quietly put a copy of zod back into every cached run, and have every new run evaluate the domain and build the
// event schemas again (docs/adr/0005-shared-domain-preload-and-memory-caps.md).
import { readFile } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { sharedWorkflowModules } from '../../src/worker/create-worker.ts';
import { sharedDomain } from '../../src/workflows/shared-libraries.ts';
import { reachableFrom } from '../support/imports.ts';

const sharedModule = fileURLToPath(new URL('../../src/workflows/shared-libraries.ts', import.meta.url));
const workflowsEntry = fileURLToPath(new URL('../../src/workflows/index.ts', import.meta.url));

/** Every object reachable from `value` through own properties, as the SDK's deep freeze walks it. */
function reachable(value: unknown, seen = new Set<object>()): Set<object> {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) return seen;
  seen.add(value);
  if (typeof value === 'object') for (const key of Reflect.ownKeys(value)) reachable(Reflect.get(value, key), seen);
  return seen;
}

describe('the workflow bundle', () => {
  it('preloads the shared module, and it reaches zod, luxon and every domain module the workflows use', async () => {
    // What the workers bundle with: the shared module as the SDK's preload (create-worker.ts).
    expect(sharedWorkflowModules).toEqual([sharedModule]);
    const shared = reachableFrom(sharedModule);
    expect([...shared.packages]).toEqual(expect.arrayContaining(['zod', 'luxon']));
    const domainOf = (files: Set<string>) => [...files].filter((file) => file.includes('/src/domain/'));
    const usedByWorkflows = domainOf(reachableFrom(workflowsEntry).files);
    expect(usedByWorkflows.length).toBeGreaterThan(5);
    expect(usedByWorkflows.filter((file) => !shared.files.has(file))).toEqual([]);
    // The shipped bundle was built that way: its preload names the shared module.
    const code = await readFile(inject('workflowBundlePath'), 'utf8');
    expect(code).toContain('src/workflows/shared-libraries.ts');
  });

  it('shares no zod schema: the SDK freezes what it shares, and zod memoises lazily on its schemas', () => {
    const schemas = [...reachable(sharedDomain)].filter((object) => '_zod' in object);
    expect(schemas).toEqual([]);
    // The schemas themselves are built on first use and kept out of reach of the freeze.
    expect(sharedDomain.events.eventSchemas().payment.safeParse({}).success).toBe(false);
    expect([...reachable(sharedDomain)].filter((object) => '_zod' in object)).toEqual([]);
  });
});
