// `npm run chaos [-- --users 2000] [--workers 2] [--seed N] [--window 120]`: a storm on the cluster shape under a
// seeded nemesis (see chaos.ts); prints the seed, the faults, the time to pay everyone; exits 1 on any violation.
import { Command } from 'commander';
import { runChaos } from './chaos.ts';

const positive = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number, got ${value}`);
  return n;
};
const options = new Command('chaos')
  .option('--users <n>', 'users in the storm', positive('users'), 2_000)
  .option('--workers <n>', 'worker processes', positive('workers'), 2)
  .option('--seed <n>', 'the nemesis seed (printed; a seed replays its schedule)', positive('seed'))
  .option(
    '--window <seconds>',
    'payouts fall due, and both servers restart, within this window',
    positive('window'),
    120,
  )
  .parse()
  .opts<{ users: number; workers: number; seed?: number; window: number }>();

const seed = options.seed ?? 1 + Math.floor(Math.random() * 2 ** 31);
const log = (line: string) => process.stderr.write(`[chaos] ${line}\n`);
log(`seed ${seed} (replay with --seed ${seed}); ${options.users} users, ${options.workers} workers`);
const report = await runChaos({
  users: options.users,
  workers: options.workers,
  seed,
  windowSeconds: options.window,
  log,
});
process.stdout.write(`seed ${report.seed}\nfaults injected (${report.faults.length}):\n`);
for (const fault of report.faults)
  process.stdout.write(`  ${fault.at.toFixed(0).padStart(4)} s  ${fault.what} (${fault.took.toFixed(1)} s)\n`);
process.stdout.write(
  `time to pay everyone: ${report.secondsToPayEveryone.toFixed(0)} s after the window opened\n` +
    `ledger: ${report.paidCents} cents paid, ${report.expectedCents} expected by the domain\n`,
);
if (report.violations.length === 0)
  process.stdout.write(
    `books clean: every user paid exactly once, nothing lost; reconcile clean over ${report.reconciledTransfers} transfers\n`,
  );
else {
  process.stdout.write(`${report.violations.length} violations:\n`);
  for (const v of report.violations) process.stdout.write(`  ${v.userId ?? '(all)'}: ${v.what}\n`);
  process.exitCode = 1;
}
