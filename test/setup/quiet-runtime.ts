// Per test file: the Temporal SDK logs warnings and errors only, so test output stays readable; and the run's key ring
// (test/setup/global-setup.ts) in PAYLOAD_KEYS, for the clients and workers the tests make and the processes they start.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { inject } from 'vitest';

process.env.PAYLOAD_KEYS ||= inject('payloadKeys');

Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { forward: {}, filter: 'WARN' } } });
