// Workflow bundles as a deploy would build them, with another program module in place of the shipped one.
import { bundleWorkflowCode } from '@temporalio/worker';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedWorkflowModules, warningsOnly, workflowsPath } from '../../src/worker/create-worker.ts';
import { NEXT_VERSION } from './next-program.ts';
import { failureConverterPath } from '../../src/codec/data-converter.ts';

const shipped = fileURLToPath(new URL('../../src/domain/program-versions.ts', import.meta.url));
export const nextProgramModule = fileURLToPath(new URL('./next-program.ts', import.meta.url));
/** Builds of a next release, for the rolling deploy and the fix path (test/support/builds/). */
export const nextBuildEntry = fileURLToPath(new URL('./builds/next-build.ts', import.meta.url));
export const patchedFixEntry = fileURLToPath(new URL('./builds/patched-fix.ts', import.meta.url));

/**
 * A program module with one more version, effective from `quarter` (the rolling deploy's build B: on a real clock the
 * running quarter is the only one a test can reach), written to `dir`.
 */
export async function writeProgramFrom(quarter: string, dir: string): Promise<string> {
  const path = join(dir, 'program-from-running-quarter.ts');
  const version = { ...NEXT_VERSION, effectiveFrom: quarter };
  await writeFile(
    path,
    `import { PROGRAM as SHIPPED } from ${JSON.stringify(shipped)};\n` +
      `export const PROGRAM = { ...SHIPPED, versions: [...SHIPPED.versions, ${JSON.stringify(version)}] };\n`,
  );
  return path;
}

/** The workflows of another entry point (a next build), bundled as a deploy would. */
export async function bundleEntry(entry: string): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: entry,
    preloadModules: sharedWorkflowModules,
    failureConverterPath,
    logger: warningsOnly,
  });
  return code;
}

interface ResolveData {
  request: string;
  context: string;
  contextInfo: { issuer: string };
}
interface Compiler {
  hooks: {
    normalModuleFactory: {
      tap(
        name: string,
        fn: (factory: { hooks: { beforeResolve: { tap(n: string, f: (d: ResolveData) => void): void } } }) => void,
      ): void;
    };
  };
}

/**
 * The workflows bundled with `programModule` wherever they import src/domain/program-versions.ts (the module itself
 * still imports the shipped one): what a deploy of a new program version ships.
 */
export async function bundleWithProgram(programModule: string, entry = workflowsPath): Promise<string> {
  const replace = {
    apply(compiler: Compiler) {
      compiler.hooks.normalModuleFactory.tap('program', (factory) =>
        factory.hooks.beforeResolve.tap('program', (data) => {
          const target = resolve(data.context, data.request);
          if (target === shipped && data.contextInfo.issuer !== programModule) data.request = programModule;
        }),
      );
    },
  };
  const { code } = await bundleWorkflowCode({
    workflowsPath: entry,
    preloadModules: sharedWorkflowModules,
    failureConverterPath,
    logger: warningsOnly,
    webpackConfigHook: (config) => ({ ...config, plugins: [...(config.plugins ?? []), replace as never] }),
  });
  if (!code.includes(programModule.split('/').slice(-2).join('/')))
    throw new Error(`the bundle did not take ${programModule} in place of the shipped program`);
  return code;
}
