// The environment: our own settings checked by one schema, the Temporal connection read by @temporalio/envconfig.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEnvironment } from '../../src/config/environment.ts';

describe('environment', () => {
  it('defaults: a local Temporal, none configured, the seqr-cashback task queue', () => {
    const env = readEnvironment({ HOME: '/nonexistent' });
    expect(env.temporal).toMatchObject({ address: 'localhost:7233', namespace: 'default' });
    expect(env.temporalConfigured).toBe(false);
    expect(env).toMatchObject({
      TEMPORAL_TASK_QUEUE: 'seqr-cashback',
      TEMPORAL_PORT: 7233,
      PG_PORT: 5433,
      LOG_LEVEL: 'INFO',
    });
  });

  it("reads Temporal's standard variables: address, namespace, API key (TLS on by default with a key)", () => {
    const env = readEnvironment({
      HOME: '/nonexistent',
      TEMPORAL_ADDRESS: 'acme.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'seqr.acme',
      TEMPORAL_API_KEY: 'secret-key',
    });
    expect(env.temporalConfigured).toBe(true);
    expect(env.temporal.namespace).toBe('seqr.acme');
    expect(env.temporal.connectionOptions).toMatchObject({ address: 'acme.tmprl.cloud:7233', apiKey: 'secret-key' });
    expect(env.temporal.connectionOptions.tls).toBeTruthy();
  });

  it('reads a TOML profile, as the Temporal CLI does', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seqr-envconfig-'));
    try {
      const file = join(dir, 'temporal.toml');
      await writeFile(file, '[profile.staging]\naddress = "staging.internal:7233"\nnamespace = "cashback"\n');
      const env = readEnvironment({ HOME: dir, TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'staging' });
      expect(env.temporal).toMatchObject({ address: 'staging.internal:7233', namespace: 'cashback' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a variable that no longer exists, naming the one that replaced it, in one line', () => {
    expect(() => readEnvironment({ HOME: '/nonexistent', TEMPORAL_TLS_CERT_PATH: '/tls/client.pem' })).toThrow(
      /^invalid configuration:\n {2}TEMPORAL_TLS_CERT_PATH is no longer read: set TEMPORAL_TLS_CLIENT_CERT_PATH instead$/,
    );
    expect(() => readEnvironment({ TEMPORAL_TLS_CA_PATH: 'ca.pem', TEMPORAL_TLS_KEY_PATH: 'k.pem' })).toThrow(
      /TEMPORAL_TLS_KEY_PATH is no longer read: set TEMPORAL_TLS_CLIENT_KEY_PATH instead\n {2}TEMPORAL_TLS_CA_PATH is no longer read: set TEMPORAL_TLS_SERVER_CA_CERT_PATH instead|TEMPORAL_TLS_CA_PATH is no longer read: set TEMPORAL_TLS_SERVER_CA_CERT_PATH instead\n {2}TEMPORAL_TLS_KEY_PATH is no longer read: set TEMPORAL_TLS_CLIENT_KEY_PATH instead/,
    );
  });

  it('reports each bad value on a line of its own; an empty variable counts as unset', () => {
    expect(() => readEnvironment({ PG_PORT: '99999', LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT: .*\n {2}PG_PORT: /);
    const unset = readEnvironment({ HOME: '/nonexistent', DATABASE_URL: '', TEMPORAL_ADDRESS: '' });
    expect(unset.DATABASE_URL).toBeUndefined();
    expect(unset.temporalConfigured).toBe(false);
  });
});
