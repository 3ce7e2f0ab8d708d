// docker-compose.yml cannot run here (no Docker engine): check it against what the worker actually reads, and validate
// it
// with the compose client when one is installed.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { environmentVariables, readEnvironment } from '../../src/config/environment.ts';
import { onPath } from '../../src/infra/run-command.ts';
import { cashbackSearchAttributes } from '../../src/workflows/search-attributes.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const compose = parse(readFileSync(`${root}docker-compose.yml`, 'utf8'));
const worker = compose.services.worker;
const postgres = compose.services.postgresql;

describe('docker-compose.yml', () => {
  it('gives the worker only variables it reads, and values it accepts', () => {
    const unknown = Object.keys(worker.environment).filter((name) => !environmentVariables.includes(name));
    expect(unknown).toEqual([]);
    expect(() => readEnvironment(worker.environment)).not.toThrow();
  });

  it('points the worker at the compose PostgreSQL and Temporal services', () => {
    const url = new URL(worker.environment.DATABASE_URL);
    expect(url.hostname in compose.services).toBe(true);
    expect([url.username, url.password, url.pathname.slice(1)]).toEqual([
      postgres.environment.POSTGRES_USER,
      postgres.environment.POSTGRES_PASSWORD,
      postgres.environment.POSTGRES_DB,
    ]);
    expect(worker.environment.TEMPORAL_ADDRESS.split(':')[0] in compose.services).toBe(true);
    expect(worker.ports).toContain(`${worker.environment.METRICS_PORT}:${worker.environment.METRICS_PORT}`);
  });

  it('registers exactly the search attributes the workflow upserts, with their types', () => {
    const command: string = compose.services['temporal-search-attributes'].command.join(' ');
    const registered = [...command.matchAll(/--name (\w+) --type (\w+)/g)].map((m) => `${m[1]}:${m[2]!.toUpperCase()}`);
    expect(registered.sort()).toEqual(cashbackSearchAttributes.map((key) => `${key.name}:${key.type}`).sort());
  });

  it('builds a worker image that runs the worker entry point', () => {
    const dockerfile = readFileSync(`${root}Dockerfile`, 'utf8');
    const cmd = /CMD \["node", "([^"]+)"\]/.exec(dockerfile)?.[1];
    expect(cmd).toBe('src/worker/main.ts');
    expect(existsSync(`${root}${cmd}`)).toBe(true);
    expect(dockerfile).toMatch(/FROM node:24/);
  });

  it('is a valid compose file for the compose client, where one is installed', async () => {
    const run = promisify(execFile);
    const docker = await onPath('docker');
    // The docker CLI validates only with its compose plugin; the standalone docker-compose client is the other way.
    const plugin =
      docker &&
      (await run(docker, ['compose', 'version']).then(
        () => true,
        () => false,
      ));
    const client = plugin
      ? { command: docker, args: ['compose', 'config', '-q'] }
      : await onPath('docker-compose').then((path) => path && { command: path, args: ['config', '-q'] });
    if (!client) return expect(client, 'no compose client: only the checks above ran').toBeFalsy();
    await run(client.command, client.args, { cwd: root }).catch((error: { stderr?: string }) => {
      throw new Error(String(error.stderr));
    });
  });
});
