// A file of made-up payments for trying `simulate`: users of every kind of activity (a few payments a month to dozens),
// some P2P and charity, a few refunds. Deterministic for a seed. Usage:
//   node examples/generate-payments.ts payments.csv [--users 2000] [--year 2026] [--seed 1]
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { CSV_COLUMNS } from '../src/simulator/read-events.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    users: { type: 'string', default: '2000' },
    year: { type: 'string', default: '2026' },
    seed: { type: 'string', default: '1' },
  },
});
const [path] = positionals;
const users = Number(values.users);
const year = Number(values.year);
if (!path || !Number.isInteger(users) || users < 1 || !Number.isInteger(year)) {
  console.error('usage: node examples/generate-payments.ts <file.csv> [--users N] [--year YYYY] [--seed N]');
  process.exit(2);
}

// A small seeded generator (mulberry32): the same seed gives the same file.
let state = Number(values.seed) >>> 0;
function random(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const out = createWriteStream(path);
out.write(`${CSV_COLUMNS.join(',')}\n`);
let rows = 0;
for (let month = 1; month <= 12; month++) {
  const lines: [number, string][] = [];
  for (let u = 0; u < users; u++) {
    // Each user's usual pace (1 to 30 payments a month), varying month to month.
    const pace = 1 + ((u * 7919) % 30);
    const count = Math.max(0, Math.round(pace * (0.6 + random() * 0.8)));
    for (let i = 0; i < count; i++) {
      const at = Date.UTC(
        year,
        month - 1,
        1 + Math.floor(random() * 28),
        Math.floor(random() * 24),
        Math.floor(random() * 60),
      );
      const id = `p-${month}-${u}-${i}`;
      const cents = 200 + Math.floor(random() * random() * 15_000);
      const kind = pick(['in_store', 'in_store', 'online', 'online', 'shop_on_the_spot', 'p2p', 'charity']);
      const funding = pick(['seqr_account', 'sepa_direct_debit']);
      const iso = new Date(at).toISOString();
      lines.push([at, `payment,${id},user-${u},,${cents},EUR,${kind},${funding},${iso}`]);
      if (random() < 0.02) {
        const refundAt = new Date(at + 86_400_000 * (1 + Math.floor(random() * 10))).toISOString();
        lines.push([at + 1, `refund,r-${month}-${u}-${i},user-${u},${id},${Math.ceil(cents / 2)},EUR,,,${refundAt}`]);
      }
    }
  }
  // In time order within the month, as a payment service would export them.
  lines.sort((a, b) => a[0] - b[0]);
  for (const [, line] of lines)
    if (!out.write(`${line}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  rows += lines.length;
}
out.end(() => console.error(`${rows} events of ${users} users in ${year} → ${path}`));
