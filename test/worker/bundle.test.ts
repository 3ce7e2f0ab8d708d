// The workflow bundle shares zod and luxon across workflows: a bundler change that drops the preload again would quietly
// put a copy of zod back into every cached run (about 0.7 MB each, 2.5 GiB of worker RSS in the storm).
import { readFile } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';

describe('the workflow bundle', () => {
  it('preloads the shared libraries, and the module that does so reaches zod and luxon', async () => {
    const code = await readFile(inject('workflowBundlePath'), 'utf8');
    const preload = /preloadModules = function preloadModules\(\) \{([^}]*)\}/.exec(code)?.[1] ?? '';
    expect(preload).toContain('"./src/workflows/shared-libraries.ts"');
    const sharedModule = code.slice(code.indexOf('/***/ "./src/workflows/shared-libraries.ts"'));
    expect(sharedModule.slice(0, 4000)).toMatch(/node_modules\/zod\//);
    expect(sharedModule.slice(0, 4000)).toMatch(/node_modules\/luxon\//);
  });
});
