// `reconcile` run as an operator runs it, at the end of the reliability and chaos suites.
import { eventually } from './harness.ts';
import { runCli } from '../../tools/infra/worker-process.ts';

/**
 * Runs `npm run cli -- reconcile <quarter> --json` as an operator would, against `env`'s database and server, and
 * returns its report with the exit code.
 */
export async function reconcileWithCli(quarter: string, env: NodeJS.ProcessEnv, args: string[] = []) {
  const result = await runCli(['reconcile', quarter, '--json', ...args], env);
  if (!result.stdout.trim()) throw new Error(`reconcile printed nothing (exit ${result.code}): ${result.stderr}`);
  const report = JSON.parse(result.stdout) as {
    clean: boolean;
    paidStatements: number;
    transfers: number;
    transferredCents: number;
    workflows?: number;
    violations: { check: string; userId?: string; cents?: number; detail: string }[];
    seconds: number;
  };
  return { code: result.code, ...report };
}

/**
 * Waits until `reconcile` is clean and returns its report. The ledger can be ahead of the workflows for a moment after a
 * fault: a payout committed by a killed worker is recorded by its workflow only when the retried activity returns.
 */
export function reconciledEventually(quarter: string, env: NodeJS.ProcessEnv, timeoutMs = 120_000) {
  return eventually(
    async () => {
      const report = await reconcileWithCli(quarter, env);
      return report.code === 0 ? report : undefined;
    },
    `reconcile ${quarter} clean`,
    timeoutMs,
  );
}

/**
 * The shared test database's books for `quarter` reconcile (books only: other test files' workflows run on servers of
 * their own). Safe while other tests pay the same quarter: a payout's statement, transfer and balance commit together.
 */
export async function booksReconcile(quarter: string, databaseUrl: string) {
  return reconcileWithCli(quarter, { DATABASE_URL: databaseUrl }, ['--no-workflows']);
}
