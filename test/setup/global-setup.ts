// Once per test run: an isolated PostgreSQL database with the schema migrated, and the workflow bundles built once: the
// shipped one, one of a deploy that brings the next program version (test/support/next-program.ts), and the next
// builds of the rolling deploy and the fix path (test/support/builds/).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProvidedContext } from 'vitest';
import type { TestProject } from 'vitest/node';
import { migrateDatabase } from '../../src/db/orm.ts';
import { testDatabase } from '../support/database.ts';
import { ephemeralKeys } from '../../tools/infra/payload-keys.ts';
import { bundleWorkflows, warningsOnly } from '../../src/worker/create-worker.ts';
import {
  bundleEntry,
  bundleWithProgram,
  nextBuildEntry,
  nextProgramModule,
  patchedFixEntry,
  writeProgramFrom,
} from '../support/bundles.ts';
import { quarterOfInstant } from '../../src/domain/calendar.ts';
import { PROGRAM } from '../../src/domain/program-versions.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    /** The run's key ring, as PAYLOAD_KEYS: everything the tests run encrypts with it. */
    payloadKeys: string;
    workflowBundlePath: string;
    nextProgramBundlePath: string;
    nextBuildBundlePath: string;
    patchedFixBundlePath: string;
    rollingBuildBBundlePath: string;
  }
}

type Provided = Partial<ProvidedContext>;
interface Shared {
  provided: Promise<{ values: Provided; stop(): Promise<void> }>;
  users: number;
}
// Both server lanes (integration, system) declare this setup, and vitest runs it once per lane in the same process:
// the database and the bundles are prepared once, and torn down after the last lane.
const shared = globalThis as { seqrTestSetup?: Shared };

export default async function setup(project: TestProject) {
  shared.seqrTestSetup ??= { provided: prepare(), users: 0 };
  const setupOnce = shared.seqrTestSetup;
  setupOnce.users += 1;
  const { values, stop } = await setupOnce.provided;
  for (const [key, value] of Object.entries(values)) project.provide(key as keyof ProvidedContext, value);
  return async () => {
    setupOnce.users -= 1;
    if (setupOnce.users === 0) {
      delete shared.seqrTestSetup;
      await stop();
    }
  };
}

async function prepare(): Promise<{ values: Provided; stop(): Promise<void> }> {
  const values: Provided = { payloadKeys: ephemeralKeys() };
  const database = await testDatabase();
  await migrateDatabase(database.url);
  const bundleDir = await mkdtemp(join(tmpdir(), 'seqr-bundle-'));
  const code = await bundleWorkflows(warningsOnly);
  const workflowBundlePath = join(bundleDir, 'workflows.js');
  await writeFile(workflowBundlePath, code);
  const nextProgramBundlePath = join(bundleDir, 'workflows-next-program.js');
  await writeFile(nextProgramBundlePath, await bundleWithProgram(nextProgramModule));
  for (const [key, entry] of [
    ['nextBuildBundlePath', nextBuildEntry],
    ['patchedFixBundlePath', patchedFixEntry],
  ] as const) {
    const path = join(bundleDir, `${key}.js`);
    await writeFile(path, await bundleEntry(entry));
    values[key] = path;
  }
  // The rolling deploy's build B: the next build, with a program version from the running quarter.
  const running = quarterOfInstant(Date.now(), PROGRAM.timeZone);
  const rollingB = join(bundleDir, 'rolling-build-b.js');
  await writeFile(rollingB, await bundleWithProgram(await writeProgramFrom(running, bundleDir), nextBuildEntry));
  Object.assign(values, {
    rollingBuildBBundlePath: rollingB,
    databaseUrl: database.url,
    workflowBundlePath,
    nextProgramBundlePath,
  });
  return {
    values,
    async stop() {
      await database.stop();
      await rm(bundleDir, { recursive: true, force: true });
    },
  };
}
