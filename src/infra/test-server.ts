// Finds Temporal's time-skipping test server: explicit path, our cached Maven Central copy (fetched with mvn), else the
// SDK download.
import type { EphemeralServerExecutable } from '@temporalio/testing';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir, MissingToolError, note, step } from './steps.ts';
import { isExecutable, onPath, run } from './run-command.ts';

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

// The SDK spawns `<path> <port>`; C1-only JIT and the serial GC cut JVM start to ~2 s, inside the SDK's 5 s start
// budget.
function wrapperScript(java: string): string {
  return `#!/bin/sh
exec "${java}" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss1m \\
  -cp "${join(home, 'jars')}/*" io.temporal.testserver.TestServer "$@"
`;
}

export async function resolveTestServer(): Promise<EphemeralServerExecutable> {
  const explicit = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (explicit) {
    if (!(await isExecutable(explicit)))
      throw new MissingToolError(`TEMPORAL_TEST_SERVER_PATH=${explicit} is not an executable file`);
    return { type: 'existing-path', path: explicit };
  }
  if (await isExecutable(wrapper)) return { type: 'existing-path', path: wrapper };

  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : await onPath('java');
  const mvn = await onPath('mvn');
  if (!java || !mvn) {
    note(
      'no Java and Maven to fetch the test server from Maven Central: ' +
        'falling back to the SDK download (needs internet). ' +
        'Install a JDK >= 17 and Maven, or set TEMPORAL_TEST_SERVER_PATH, to avoid it.',
    );
    return { type: 'cached-download' };
  }
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
    // The wrapper is written last, so its presence means the jars are complete.
    await writeFile(wrapper, wrapperScript(java));
    await chmod(wrapper, 0o755);
  });
  return { type: 'existing-path', path: wrapper };
}
