// Three lanes: `unit` (pure modules, no servers, seconds), `integration` (PostgreSQL and the time-skipping server,
// in-process workers) and `system` (real servers, the project's processes, a browser). `npm test` runs them all;
// `npm run test:unit` is the fast loop (docs/testing.md).
import { defineConfig } from 'vitest/config';

const unit = [
  'test/domain/**/*.test.ts',
  'test/simulator/**/*.test.ts',
  'test/config/**/*.test.ts',
  'test/bin/**/*.test.ts',
  'test/docs/**/*.test.ts',
  'test/contract/schemas.test.ts',
  'test/http/openapi.test.ts',
  'test/notifications/signature.test.ts',
  'test/deploy/image-imports.test.ts',
  'test/codec/key-ring.test.ts',
  'test/codec/encryption-codec.test.ts',
];
const system = [
  'test/e2e/**/*.test.ts',
  'test/reliability/**/*.test.ts',
  'test/smoke/**/*.test.ts',
  'test/contract/cli-producer.test.ts',
  'test/http/schemathesis.test.ts',
  'test/deploy/compose.test.ts',
  'test/db/concurrent-migrations.test.ts',
  'test/notifications/delivery.test.ts',
];
// The lanes that talk to servers share one database and one set of workflow bundles (test/setup/global-setup.ts).
export const withServers = {
  globalSetup: ['test/setup/global-setup.ts'],
  setupFiles: ['test/setup/quiet-runtime.ts'],
  testTimeout: 120_000,
  hookTimeout: 120_000,
};

export default defineConfig({
  test: {
    // Temporal's native bridge wants real processes, not worker threads.
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: unit, testTimeout: 30_000 } },
      {
        extends: true,
        test: { name: 'integration', include: ['test/**/*.test.ts'], exclude: [...unit, ...system], ...withServers },
      },
      { extends: true, test: { name: 'system', include: system, ...withServers } },
    ],
  },
});
