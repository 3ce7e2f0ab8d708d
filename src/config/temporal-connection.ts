// Connection options for Temporal from the environment: address, namespace, API key or mTLS.
import { readFileSync } from 'node:fs';
import type { Environment } from './environment.ts';

export interface TemporalConnectionSettings {
  address: string;
  apiKey?: string;
  tls?: { serverNameOverride?: string; serverRootCACertificate?: Buffer; clientCertPair?: { crt: Buffer; key: Buffer } } | boolean;
}

export function temporalConnectionSettings(env: Environment): TemporalConnectionSettings {
  const mtls = env.TEMPORAL_TLS_CERT_PATH && env.TEMPORAL_TLS_KEY_PATH
    ? { crt: readFileSync(env.TEMPORAL_TLS_CERT_PATH), key: readFileSync(env.TEMPORAL_TLS_KEY_PATH) }
    : undefined;
  const wantsTls = env.TEMPORAL_TLS === 'true' || mtls !== undefined || env.TEMPORAL_TLS_CA_PATH !== undefined || (env.TEMPORAL_API_KEY !== undefined && env.TEMPORAL_TLS !== 'false');
  const tls = wantsTls
    ? {
        ...(env.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: env.TEMPORAL_TLS_SERVER_NAME } : {}),
        ...(env.TEMPORAL_TLS_CA_PATH ? { serverRootCACertificate: readFileSync(env.TEMPORAL_TLS_CA_PATH) } : {}),
        ...(mtls ? { clientCertPair: mtls } : {}),
      }
    : undefined;
  return { address: env.TEMPORAL_ADDRESS, ...(env.TEMPORAL_API_KEY ? { apiKey: env.TEMPORAL_API_KEY } : {}), ...(tls ? { tls } : {}) };
}
