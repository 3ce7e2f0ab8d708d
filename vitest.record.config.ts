// `npm run record-histories`: records workflow histories of real runs into test/histories/ for the replay test.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

export default defineConfig({ test: { ...base.test, include: ['test/histories/*.record.ts'] } });
