// `npm run record-histories`: records workflow histories of real runs into test/histories/ for the replay test.
import { defineConfig } from 'vitest/config';
import { withServers } from './vitest.config.ts';

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    include: ['test/histories/*.record.ts'],
    ...withServers,
    // Recorded in clear: a released history replays forever, without a key that a test run made and forgot.
    env: { PAYLOAD_ENCRYPTION: 'off' },
  },
});
