// The operator and demo command line: `npm run cli -- <command>`.
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import pc from 'picocolors';
import {
  InvalidEventError,
  InvalidQuarterError,
  OperatorRequestRejected,
  UnknownUserError,
} from '../client/cashback-client.ts';
import { paymentKinds, fundingAccounts } from '../domain/events.ts';
import { quarterPayoutStatuses } from '../domain/payout-status.ts';
import { demoCommand } from '../cli/commands/demo.ts';
import { payCommand, refundCommand } from '../cli/commands/events.ts';
import {
  keysActivateCommand,
  keysAddCommand,
  keysInitCommand,
  keysListCommand,
  keysRemoveCommand,
} from '../cli/commands/keys.ts';
import { notificationsCommand } from '../cli/commands/notifications.ts';
import { reconcileCommand } from '../cli/commands/reconcile.ts';
import { reportCommand } from '../cli/commands/report.ts';
import { retryPayoutCommand } from '../cli/commands/retry-payout.ts';
import {
  rolloutNudgeCommand,
  rolloutPromoteCommand,
  rolloutRampCommand,
  rolloutStatusCommand,
} from '../cli/commands/rollout.ts';
import { simulateCommand } from '../cli/commands/simulate.ts';
import { payoutsCommand, statementCommand } from '../cli/commands/statements.ts';
import { statusCommand } from '../cli/commands/status.ts';
import { CliContext } from '../cli/context.ts';
import { UsageError } from '../cli/output.ts';
import { runMain } from './run-main.ts';

const ctx = new CliContext();
// exitOverride: commander reports usage errors itself, then throws, so they exit with code 2 like any other bad input.
const program = new Command('seqr-cashback')
  .description('Operate the Seqr cashback engine')
  .showHelpAfterError()
  .exitOverride();
const oneOf = (values: readonly string[], what: string) => (value: string) => {
  if (!values.includes(value)) throw new InvalidArgumentError(`${what} must be one of ${values.join(', ')}`);
  return value;
};

program
  .command('status')
  .argument('<userId>')
  .option('--json', 'machine-readable output')
  .description("a user's month, tier, open quarter estimate, payouts and rejected events")
  .action((userId, options) => statusCommand(ctx, userId, options));
program
  .command('statement')
  .argument('<userId>')
  .argument('<quarter>', 'e.g. 2027-Q1')
  .option('--json', 'machine-readable output')
  .description("a closed quarter's statement: months, adjustments, carry-forward, payout")
  .action((userId, quarter, options) => statementCommand(ctx, userId, quarter, options));
program
  .command('payouts')
  .requiredOption('--quarter <quarter>', 'e.g. 2027-Q1')
  .option('--status <status>', quarterPayoutStatuses.join(', '))
  .option('--json', 'machine-readable output')
  .description("every user's payout for a quarter")
  .action((options) => payoutsCommand(ctx, options));
program
  .command('retry-payout')
  .argument('<userId>')
  .argument('<quarter>', 'e.g. 2027-Q1')
  .option('--json', 'machine-readable output')
  .description('retry a failed payout with its original idempotency key (never pays twice)')
  .action((userId, quarter, options) => retryPayoutCommand(ctx, userId, quarter, options));
program
  .command('reconcile')
  .argument('<quarter>', 'e.g. 2027-Q1')
  .option('--json', 'machine-readable output')
  .option('--no-workflows', 'check only the books, not the workflows (no Temporal server needed)')
  .description("check the quarter's books: one balanced transfer per paid statement, balances equal postings")
  .action((quarter, options) => reconcileCommand(ctx, quarter, options));
program
  .command('report')
  .argument('<quarter>', 'e.g. 2027-Q1')
  .option('--csv', "every user's statement line as CSV on stdout (streamed: any number of users)")
  .option('--json', 'machine-readable summary')
  .option('--quiet', 'no progress or count on stderr (--csv)')
  .description('the quarter for finance: paid, tiers, carried forward, forfeited, clawbacks, failed, adjustments')
  .action((quarter, options) => reportCommand(ctx, quarter, options));
program
  .command('notifications')
  .option('--all', 'delivered notifications too')
  .option('--limit <count>', 'rows to list', '100')
  .option('--json', 'machine-readable output')
  .description('the payout notification outbox: what waits for the webhook, with attempts and the last error')
  .action((options) => notificationsCommand(ctx, options));
const rollout = program
  .command('rollout')
  .description('Worker Versioning: builds, pinned runs, promote, ramp, wake (docs/releasing.md)');
rollout
  .command('status')
  .option('--json', 'machine-readable output')
  .description('current and ramping build, and per build its status, runs still pinned to it and whether it can retire')
  .action((options) => rolloutStatusCommand(ctx, options));
rollout
  .command('promote')
  .argument('<buildId>')
  .option('--json', 'machine-readable output')
  .description(
    'make a build current once its workers poll: new runs start on it, pinned runs move at their next wake-up',
  )
  .action((buildId, options) => rolloutPromoteCommand(ctx, buildId, options));
rollout
  .command('ramp')
  .argument('<buildId>')
  .argument('<percentage>', '0 to 100; 0 ends the ramp')
  .option('--json', 'machine-readable output')
  .description('send a share of new runs, and of runs that continue as new, to a build')
  .action((buildId, percentage, options) => rolloutRampCommand(ctx, buildId, percentage, options));
rollout
  .command('nudge')
  .argument('<buildId>')
  .option('--json', 'machine-readable output')
  .description(
    'wake every run pinned to a build, so that each moves to the current build now instead of at its next event',
  )
  .action((buildId, options) => rolloutNudgeCommand(ctx, buildId, options));
const keys = program
  .command('keys')
  .description("the payload key file: PAYLOAD_KEY_FILE, else npm start's (docs/security.md: rotation)");
const keyFileOption = '--file <path>';
keys
  .command('init')
  .option(keyFileOption, 'the key file')
  .option('--json', 'machine-readable output')
  .description('make a key ring of one new key, unless the file exists (it is then kept)')
  .action((options) => keysInitCommand(ctx, options));
keys
  .command('add')
  .option(keyFileOption, 'the key file')
  .option('--activate', 'encrypt with it at once (only when no other process reads this file)')
  .option('--json', 'machine-readable output')
  .description('add a new key; it encrypts once activated, after every process has it')
  .action((options) => keysAddCommand(ctx, options));
keys
  .command('activate')
  .argument('<keyId>')
  .option(keyFileOption, 'the key file')
  .option('--json', 'machine-readable output')
  .description('make a key the one that encrypts (old keys still decrypt)')
  .action((id, options) => keysActivateCommand(ctx, id, options));
keys
  .command('remove')
  .argument('<keyId>')
  .option(keyFileOption, 'the key file')
  .option('--json', 'machine-readable output')
  .description('remove a key that no longer encrypts, once nothing it encrypted is kept (docs/security.md)')
  .action((id, options) => keysRemoveCommand(ctx, id, options));
keys
  .command('list')
  .option(keyFileOption, 'the key file')
  .option('--json', 'machine-readable output')
  .description('the key ids and the active one (never the keys)')
  .action((options) => keysListCommand(ctx, options));
program
  .command('pay')
  .argument('<userId>')
  .argument('<amount>', 'euros (12.34) or cents (1234c)')
  .option('--kind <kind>', paymentKinds.join(' | '), oneOf(paymentKinds, 'kind'), 'in_store')
  .option('--funding <account>', fundingAccounts.join(' | '), oneOf(fundingAccounts, 'funding'), 'seqr_account')
  .option('--at <instant>', 'ISO-8601 instant with offset (default: now)')
  .option('--id <paymentId>', 'default: a new UUID')
  .option('--json', 'machine-readable output')
  .description('send a test payment')
  .action((userId, amount, options) => payCommand(ctx, userId, amount, options));
program
  .command('refund')
  .argument('<userId>')
  .argument('<paymentId>')
  .argument('<amount>', 'euros (12.34) or cents (1234c)')
  .option('--at <instant>', 'ISO-8601 instant with offset (default: now)')
  .option('--id <refundId>', 'default: a new UUID')
  .option('--json', 'machine-readable output')
  .description('send a test refund')
  .action((userId, paymentId, amount, options) => refundCommand(ctx, userId, paymentId, amount, options));
program
  .command('demo')
  .option('--timeout <seconds>', 'how long to wait for the credit', '60')
  .option('--json', 'machine-readable output')
  .description('replay the worked example for a new user and show the €14.00 credit')
  .action((options) => demoCommand(ctx, options));
program
  .command('simulate')
  .argument('<file>', 'events as .csv or .jsonl')
  .option(
    '--program <file>',
    'a proposed program (JSON, like examples/program-proposed.json); default: the current one',
  )
  .option('--compare', 'with --program: what it changes against the current program, per quarter')
  .option('--json', 'machine-readable output (with --compare: also each user whose payout changes)')
  .option('--quiet', 'no progress bar')
  .description("apply a program to a file of events offline (no server): each user's statements, or a what-if")
  .action((file, options) => simulateCommand(file, options));

await runMain('cli', async () => {
  try {
    await program.parseAsync();
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 2;
    } else {
      reportError(error);
    }
  } finally {
    await ctx.close();
  }
});

function reportError(error: unknown): void {
  const known = [UsageError, InvalidEventError, InvalidQuarterError, UnknownUserError, OperatorRequestRejected].some(
    (type) => error instanceof type,
  );
  process.stderr.write(`${pc.red('error:')} ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = known ? 2 : 1;
}
