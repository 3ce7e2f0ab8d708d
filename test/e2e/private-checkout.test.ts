// Root, with the checkout where the `postgres` user cannot reach it (inside a 0700 folder, like root's home): containers
// and CI machines often run so. PostgreSQL refuses to run as root, so it runs as `postgres`; `npm start` and the tests'
// own databases must still work.
import { cp, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../tools/infra/run-command.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../tools/infra/ports.ts';
import { startProcess } from '../../tools/infra/processes.ts';
import { runCli } from '../../tools/infra/worker-process.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const asRoot = process.getuid?.() === 0;

let base: string;
let checkout: string;

/** A copy of this working tree (tracked and new files) with node_modules hard-linked where the file system allows. */
async function copyCheckout(to: string): Promise<void> {
  const { stdout } = await run('git', ['ls-files', '-co', '--exclude-standard', '-z'], {
    cwd: root,
    maxBuffer: 16 << 20,
  });
  for (const file of stdout.split('\0').filter(Boolean)) {
    const source = join(root, file);
    if (
      !(await stat(source).then(
        (s) => s.isFile(),
        () => false,
      ))
    )
      continue;
    await mkdir(join(to, file, '..'), { recursive: true });
    await cp(source, join(to, file));
  }
  await run('cp', ['-al', join(root, 'node_modules'), join(to, 'node_modules')]).catch(() =>
    run('cp', ['-a', join(root, 'node_modules'), join(to, 'node_modules')]),
  );
}

describe.runIf(asRoot)('a checkout the postgres user cannot reach, as root', () => {
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'seqr-private-')); // mode 0700, like /root
    expect((await stat(base)).mode & 0o777).toBe(0o700);
    checkout = join(base, 'checkout');
    await copyCheckout(checkout);
  }, 120_000);
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it("starts the tests' own PostgreSQL (temporary data)", async () => {
    const script =
      "const { startLocalPostgres } = await import('./tools/infra/postgres.ts'); const pg = await startLocalPostgres(); console.log(pg.url); await pg.stop();";
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: checkout });
    expect(stdout).toMatch(/^postgresql:\/\/postgres:\S+@127\.0\.0\.1:\d+\/seqr_cashback$/m);
  }, 120_000);

  it('runs `npm start` and the demo pays €14.00; Ctrl-C stops it cleanly', async () => {
    const [temporalPort, pgPort, uiPort, ingestPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const ports = {
      TEMPORAL_PORT: String(temporalPort),
      PG_PORT: String(pgPort),
      TEMPORAL_UI_PORT: String(uiPort),
      INGEST_PORT: String(ingestPort),
    };
    const engine = await startProcess({
      name: 'npm start',
      command: process.execPath,
      args: ['tools/infra/start.ts'],
      cwd: checkout,
      detached: true,
      env: { ...process.env, ...ports, TEMPORAL_ADDRESS: '', DATABASE_URL: '', SEQR_DATA_DIR: '' },
      ready: 'worker ready',
      timeoutMs: 90_000,
    });
    const relocated = /keeping PostgreSQL's data in (\S+)/.exec(engine.output())?.[1];
    try {
      expect(relocated).toMatch(/^\/var\/lib\/seqr-cashback\/data\/[0-9a-f]{16}\/postgres$/);
      const env = {
        TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
        DATABASE_URL: `postgresql://postgres:seqr@127.0.0.1:${pgPort}/seqr_cashback`,
      };
      const demo = await runCli(['demo', '--json'], env);
      expect(demo.stderr).toBe('');
      expect(JSON.parse(demo.stdout)).toMatchObject({ creditedCents: 1400 });
    } finally {
      process.kill(-engine.child.pid!, 'SIGINT');
      expect(await engine.exited).toEqual({ code: 0, signal: null });
      if (relocated) await rm(join(relocated, '..'), { recursive: true, force: true });
    }
  }, 180_000);
});
