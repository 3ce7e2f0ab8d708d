// Finds Temporal's time-skipping test server: explicit path, our cached Maven Central copy (fetched with mvn), else the
// SDK download.
import type { EphemeralServerExecutable } from '@temporalio/testing';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { cacheDir, MissingToolError, note, step } from './steps.ts';
import { freePort, portOpen } from './ports.ts';
import { explicitExecutable, isExecutable, onPath, run } from './run-command.ts';

export const TEST_SERVER_VERSION = '1.38.0';
const home = join(cacheDir, 'test-server', TEST_SERVER_VERSION);
const wrapper = join(home, 'temporal-test-server');

const pom = `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.seqr-cashback</groupId><artifactId>test-server-fetch</artifactId><version>1</version>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId>
      <artifactId>temporal-test-server</artifactId>
      <version>${TEST_SERVER_VERSION}</version>
    </dependency>
  </dependencies>
</project>
`;

const archive = join(home, 'classes.jsa');
/** Marks a JVM that cannot archive, so that later starts do not try again. */
const noArchive = `${archive}.unsupported`;
const jvmFlags = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xss1m'];
const classPath = `${join(home, 'jars')}/*`;

// The SDK spawns `<path> <port>` and gives it 5 s to answer, however busy the machine is. C1-only JIT, the serial GC
// and an archive of the server's loaded classes (AppCDS) keep the JVM's start well inside that on two loaded cores.
function wrapperScript(java: string, withArchive: boolean): string {
  const share = withArchive ? ` -XX:SharedArchiveFile=${archive}` : '';
  return `#!/bin/sh
exec "${java}" ${jvmFlags.join(' ')}${share} \\
  -cp "${classPath}" io.temporal.testserver.TestServer "$@"
`;
}

/** Runs the server once with -XX:ArchiveClassesAtExit, so later starts map its classes instead of loading them. */
async function archiveClasses(java: string): Promise<boolean> {
  const port = await freePort();
  const server = spawn(
    java,
    [
      ...jvmFlags,
      `-XX:ArchiveClassesAtExit=${archive}`,
      '-cp',
      classPath,
      'io.temporal.testserver.TestServer',
      String(port),
    ],
    { stdio: 'ignore' },
  );
  const exited = once(server, 'exit');
  try {
    const deadline = Date.now() + 60_000;
    while (!(await portOpen(port))) {
      if (Date.now() > deadline || server.exitCode !== null) return false;
      await sleep(100);
    }
  } finally {
    server.kill('SIGTERM');
    await exited;
  }
  return existsSync(archive);
}

export async function resolveTestServer(): Promise<EphemeralServerExecutable> {
  const explicit = await explicitExecutable('TEMPORAL_TEST_SERVER_PATH');
  if (explicit) return { type: 'existing-path', path: explicit };
  const hasWrapper = await isExecutable(wrapper);
  if (hasWrapper && (existsSync(archive) || existsSync(noArchive))) return { type: 'existing-path', path: wrapper };

  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : await onPath('java');
  const mvn = await onPath('mvn');
  if (!java || (!mvn && !hasWrapper)) {
    note(
      'no Java and Maven to fetch the test server from Maven Central: ' +
        'falling back to the SDK download (needs internet). ' +
        'Install a JDK >= 17 and Maven, or set TEMPORAL_TEST_SERVER_PATH, to avoid it.',
    );
    return { type: 'cached-download' };
  }
  // A wrapper without an archive (an older cache) means its jars are complete: only the archive is missing.
  if (!hasWrapper) await fetchJars(mvn!);
  const archived = await step("archiving the test server's classes (AppCDS) for a fast start", () =>
    archiveClasses(java),
  );
  if (!archived) {
    note('the JVM could not archive the test server classes: it starts without the archive');
    await writeFile(noArchive, '');
  }
  // The wrapper is written last, so its presence means the jars are complete.
  await writeFile(wrapper, wrapperScript(java, archived));
  await chmod(wrapper, 0o755);
  return { type: 'existing-path', path: wrapper };
}

async function fetchJars(mvn: string): Promise<void> {
  await step(`fetching io.temporal:temporal-test-server:${TEST_SERVER_VERSION} from Maven Central`, async () => {
    await rm(home, { recursive: true, force: true });
    await mkdir(home, { recursive: true });
    await writeFile(join(home, 'pom.xml'), pom);
    try {
      await run(
        mvn,
        [
          '-B',
          '-q',
          '-f',
          join(home, 'pom.xml'),
          'dependency:copy-dependencies',
          `-DoutputDirectory=${join(home, 'jars')}`,
          '-DincludeScope=runtime',
        ],
        { maxBuffer: 64 * 1024 * 1024 },
      );
    } catch (error) {
      const out = (error as { stdout?: string }).stdout ?? String(error);
      throw new MissingToolError(
        `mvn could not fetch the test server: ${out.trim().split('\n').slice(-3).join(' | ')}`,
      );
    }
  });
}
