// docker-compose.yml cannot run here (no Docker engine): check it against what the worker reads and what the native
// launch of the same components does, and validate it with the compose client when one is installed.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { newKey } from '../../src/codec/key-ring.ts';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { environmentVariables, readEnvironment } from '../../src/config/environment.ts';
import { cachedBinary } from '../../tools/infra/go-install.ts';
import { onPath, run } from '../../tools/infra/run-command.ts';
import {
  dynamicConfigFile,
  serverConfigFile,
  serverEnvironment,
  SERVER_VERSION,
  temporalServer,
  UI_VERSION,
} from '../../tools/infra/temporal-cluster.ts';
import { cashbackSearchAttributes } from '../../src/workflows/search-attributes.ts';
import { WORKER_NODE_ARGS } from '../../src/worker/node-args.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const packageJson = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: Record<string, string> };
// Merge keys (<<: *anchor) share the database settings between the server and its schema job.
const compose = parse(readFileSync(`${root}docker-compose.yml`, 'utf8'), { merge: true });
const { worker, temporal, postgresql: postgres, migrate } = compose.services;
const version = SERVER_VERSION.slice(1);

// The key file compose's job makes in its volume, made here so that readEnvironment can read the services' settings.
const keyFile = join(mkdtempSync(join(tmpdir(), 'seqr-compose-')), 'payload-keys.json');
writeFileSync(keyFile, JSON.stringify({ activeKeyId: 'k', keys: { k: newKey() } }));
const withKeyFile = (env: Record<string, string>) => ({ ...env, PAYLOAD_KEY_FILE: keyFile });

describe('docker-compose.yml', () => {
  it('runs images Temporal still publishes, at the versions the native launch builds', () => {
    expect(temporal.image).toBe(`temporalio/server:${version}`);
    expect(compose.services['temporal-schema'].image).toBe(`temporalio/admin-tools:${version}`);
    expect(compose.services['temporal-setup'].image).toBe(`temporalio/admin-tools:${version}`);
    expect(compose.services['temporal-ui'].image).toBe(`temporalio/ui:${UI_VERSION.slice(1)}`);
    expect(JSON.stringify(compose)).not.toContain('auto-setup');
  });

  it('mounts the same static and dynamic server config as the native launch, with the variables it sets', () => {
    const [mount] = temporal.volumes as string[];
    const [hostDir, containerDir] = mount!.split(':');
    expect(join(root, hostDir!)).toBe(dirname(serverConfigFile));
    expect(temporal.environment.TEMPORAL_SERVER_CONFIG_FILE_PATH).toBe(`${containerDir}/server.yaml`);
    expect(temporal.environment.TEMPORAL_DYNAMIC_CONFIG_FILE).toBe(`${containerDir}/dynamic-config.yaml`);
    expect([existsSync(serverConfigFile), existsSync(dynamicConfigFile)]).toEqual([true, true]);
    // Every variable compose gives the server is one the native launch sets too, and one the config reads (or the
    // image's entrypoint, for binding).
    const native = Object.keys(serverEnvironment(new URL('postgresql://u:p@db:5432/x'), 7233, 4));
    const template = readFileSync(serverConfigFile, 'utf8');
    const read = [...template.matchAll(/env "(\w+)"/g)].map((m) => m[1]);
    for (const name of Object.keys(temporal.environment)) {
      expect(native, `${name} is not set by the native launch`).toContain(name);
      if (!['TEMPORAL_SERVER_CONFIG_FILE_PATH', 'TEMPORAL_ALLOW_NO_AUTH'].includes(name))
        expect(read, `${name} is not read by server.yaml`).toContain(name);
    }
    expect(template.split('\n', 1)[0]).toBe('# enable-template');
  });

  it('points Temporal and its schema job at the compose PostgreSQL', () => {
    for (const service of [temporal, compose.services['temporal-schema']]) {
      expect(service.environment.POSTGRES_SEEDS in compose.services).toBe(true);
      expect([service.environment.POSTGRES_USER, service.environment.POSTGRES_PWD]).toEqual([
        postgres.environment.POSTGRES_USER,
        postgres.environment.POSTGRES_PASSWORD,
      ]);
    }
    expect(compose.services['temporal-schema'].command.join(' ')).toMatch(/postgresql\/v12\/\$\$dir\/versioned/);
  });

  it('gives the workers only variables they read, and values they accept', () => {
    const unknown = Object.keys(worker.environment).filter((name) => !environmentVariables.includes(name));
    expect(unknown).toEqual([]);
    expect(() => readEnvironment(withKeyFile(worker.environment))).not.toThrow();
  });

  it('makes the key ring once in a volume, and every process that talks to Temporal reads it', () => {
    const job = compose.services['payload-keys'];
    const file = job.command.at(-1);
    expect(job.command).toEqual(['node', 'src/bin/cli.ts', 'keys', 'init', '--file', file]);
    expect(job.volumes).toEqual([`payload-keys:${dirname(file)}`]);
    expect(compose.volumes).toHaveProperty('payload-keys');
    for (const name of ['worker', 'ingest', 'codec-server']) {
      const service = compose.services[name];
      expect(service.environment.PAYLOAD_KEY_FILE, name).toBe(file);
      expect(service.volumes, name).toContain(`payload-keys:${dirname(file)}:ro`);
      expect(service.depends_on['payload-keys'].condition, name).toBe('service_completed_successfully');
    }
    // The image makes the volume's directory, owned by the user the processes run as.
    const dockerfile = readFileSync(`${root}Dockerfile`, 'utf8');
    expect(dockerfile).toContain(`RUN mkdir ${dirname(file)} && chown node:node ${dirname(file)}`);
    expect(dockerfile.indexOf('chown node:node')).toBeLessThan(dockerfile.indexOf('USER node'));
  });

  it('runs the codec server on all addresses only with a token, and points the UI at it', () => {
    const codec = compose.services['codec-server'];
    expect(codec.command).toEqual(['node', 'src/bin/codec-server.ts']);
    expect(`node ${codec.command[1]}`).toBe(packageJson.scripts.codec);
    expect(codec.environment.CODEC_HOST).toBe('0.0.0.0');
    expect(codec.environment.CODEC_TOKEN).toMatch(/^\$\{CODEC_TOKEN:\?/);
    expect(Object.keys(codec.environment).filter((name) => !environmentVariables.includes(name))).toEqual([]);
    const port = codec.environment.CODEC_PORT;
    expect(codec.ports).toContain(`${port}:${port}`);
    const ui = compose.services['temporal-ui'];
    // The browser calls the codec server from the UI's origin, with the cookie its /login sets.
    expect(ui.environment.TEMPORAL_CODEC_ENDPOINT).toBe(`http://localhost:${port}`);
    expect(ui.environment.TEMPORAL_CODEC_INCLUDE_CREDENTIALS).toBe('true');
    expect(codec.environment.CODEC_CORS_ORIGINS.split(',')).toContain(ui.environment.TEMPORAL_CORS_ORIGINS);
    expect(() => readEnvironment(withKeyFile({ ...codec.environment, CODEC_TOKEN: 'validation-only' }))).not.toThrow();
    // The native UI server reads the same settings (deploy/temporal-ui/base.yaml).
    const uiConfig = readFileSync(`${root}deploy/temporal-ui/base.yaml`, 'utf8');
    for (const name of ['TEMPORAL_CODEC_ENDPOINT', 'TEMPORAL_CODEC_INCLUDE_CREDENTIALS'])
      expect(uiConfig).toContain(`env "${name}"`);
  });

  it('runs two worker replicas after a one-shot migration, on the compose PostgreSQL and Temporal', () => {
    expect(worker.deploy.replicas).toBe(2);
    expect(worker.depends_on.migrate.condition).toBe('service_completed_successfully');
    expect(migrate.command).toEqual(['node', 'src/bin/migrate.ts']);
    expect(existsSync(`${root}src/bin/migrate.ts`)).toBe(true);
    const url = new URL(worker.environment.DATABASE_URL);
    expect(url.hostname in compose.services).toBe(true);
    expect(migrate.environment.DATABASE_URL).toBe(worker.environment.DATABASE_URL);
    expect([url.username, url.password, url.pathname.slice(1)]).toEqual([
      postgres.environment.POSTGRES_USER,
      postgres.environment.POSTGRES_PASSWORD,
      postgres.environment.POSTGRES_DB,
    ]);
    expect(worker.environment.TEMPORAL_ADDRESS.split(':')[0] in compose.services).toBe(true);
    // Replicas cannot share a host port: metrics are exposed on each container's own address.
    expect(worker.ports).toBeUndefined();
    expect(worker.expose).toContain(worker.environment.METRICS_PORT);
  });

  it('runs the payout notifier on the workers database, with only variables it reads', () => {
    const { notifier } = compose.services;
    expect(notifier.command).toEqual(['node', 'src/bin/notifier.ts']);
    expect(`node ${notifier.command[1]}`).toBe(packageJson.scripts.notify);
    expect(notifier.environment.DATABASE_URL).toBe(worker.environment.DATABASE_URL);
    expect(notifier.depends_on.migrate.condition).toBe('service_completed_successfully');
    expect(Object.keys(notifier.environment).filter((name) => !environmentVariables.includes(name))).toEqual([]);
    // Unset, the webhook variables are empty: the notifier idles and the outbox keeps the notifications.
    expect(() =>
      readEnvironment({ ...notifier.environment, NOTIFY_WEBHOOK_URL: '', NOTIFY_WEBHOOK_SECRET: '' }),
    ).not.toThrow();
    // It never talks to Temporal: no key ring.
    expect(notifier.environment.PAYLOAD_KEY_FILE).toBeUndefined();
  });

  it('runs the HTTP front door on all addresses only with a token, as the service itself insists', () => {
    const { ingest } = compose.services;
    expect(ingest.command).toEqual(['node', 'src/bin/ingest.ts']);
    expect(ingest.environment.INGEST_HOST).toBe('0.0.0.0');
    expect(ingest.environment.INGEST_TOKEN).toMatch(/^\$\{INGEST_TOKEN:\?/); // compose stops when it is unset
    expect(Object.keys(ingest.environment).filter((name) => !environmentVariables.includes(name))).toEqual([]);
    expect(ingest.ports).toContain(`${ingest.environment.INGEST_PORT}:${ingest.environment.INGEST_PORT}`);
  });

  it('registers the namespace and exactly the search attributes the workflow upserts, with their types', () => {
    const command: string = compose.services['temporal-setup'].command.join(' ');
    expect(command).toContain('namespace create --namespace default');
    const registered = [...command.matchAll(/--name (\w+) --type (\w+)/g)].map((m) => `${m[1]}:${m[2]!.toUpperCase()}`);
    expect(registered.sort()).toEqual(cashbackSearchAttributes.map((key) => `${key.name}:${key.type}`).sort());
  });

  it('builds a worker image that runs the worker entry point', () => {
    const dockerfile = readFileSync(`${root}Dockerfile`, 'utf8');
    const [, nodeArgs, cmd] = /CMD \["node", (.*)"([^"]+)"\]/.exec(dockerfile) ?? [];
    expect(cmd).toBe('src/bin/worker.ts');
    // The worker's heap cap, as npm run worker and npm start set it.
    expect(nodeArgs).toBe(WORKER_NODE_ARGS.map((arg) => `"${arg}", `).join(''));
    expect(packageJson.scripts.worker).toBe(`node ${WORKER_NODE_ARGS.join(' ')} ${cmd}`);
    expect(existsSync(`${root}${cmd}`)).toBe(true);
    expect(dockerfile).toMatch(/FROM node:24/);
    // npm ci runs the preinstall Node check: the file must be in the image before it.
    expect(dockerfile.indexOf('COPY tools/require-node.cjs')).toBeLessThan(dockerfile.indexOf('RUN npm ci'));
    // The workflows are bundled at image build time, from the sources copied before, and the worker runs that bundle.
    const [, bundleFile] = /RUN node src\/worker\/build-bundle\.ts (\S+)/.exec(dockerfile) ?? [];
    expect(dockerfile.indexOf('COPY src ./src')).toBeLessThan(
      dockerfile.indexOf('RUN node src/worker/build-bundle.ts'),
    );
    expect(dockerfile).toMatch(new RegExp(`ENV .*WORKFLOW_BUNDLE_PATH=/app/${bundleFile}`));
    expect(packageJson.scripts.bundle).toBe('node src/worker/build-bundle.ts');
    // The build id is the release and the commit: compose passes the commit as a build arg, the image keeps it.
    expect(compose.services.worker.build.args).toEqual({ GIT_COMMIT: '${GIT_COMMIT:-}' });
    expect(dockerfile).toMatch(/ARG GIT_COMMIT=\n/);
    expect(dockerfile).toMatch(/ENV .*GIT_COMMIT=\$\{GIT_COMMIT\}/);
    // A first deploy becomes current on its own; later builds are promoted by an operator (docs/releasing.md).
    expect(readEnvironment(withKeyFile(compose.services.worker.environment)).WORKER_SET_CURRENT).toBe('first');
  });

  it("has a dynamic config whose every key the server knows (temporal-server's own check)", async () => {
    const { stdout, stderr } = await run(cachedBinary(temporalServer), ['validate-dynamic-config', dynamicConfigFile]);
    expect(`${stdout}${stderr}`).not.toMatch(/warning|error/i);
  });

  it('is a valid compose file for the compose client, where one is installed', async () => {
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
    // The ingestion service refuses to run without a token: give the client one to validate with.
    await run(client.command, client.args, {
      cwd: root,
      env: { ...process.env, INGEST_TOKEN: 'validation-only', CODEC_TOKEN: 'validation-only' },
    }).catch((error: { stderr?: string }) => {
      throw new Error(String(error.stderr));
    });
  });
});
