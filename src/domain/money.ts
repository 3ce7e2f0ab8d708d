// Money is integer cents; cashback accrues in hundredths of a cent and is rounded once, half up, when paid.

export type Cents = number;
/** Hundredths of a cent: netSpendCents × ratePercent is exact in this unit. */
export type Hundredths = number;

/** Rounds hundredths of a cent to whole cents, half up (towards +∞ at exactly half). */
export function roundHalfUpToCents(amount: Hundredths): Cents {
  return Math.floor((amount + 50) / 100);
}

/** `total` cents as `count` whole-cent amounts that add up exactly (the first takes the remainder). */
export function splitCents(total: Cents, count: number): Cents[] {
  const base = Math.floor(total / count);
  return Array.from({ length: count }, (_, i) => (i === 0 ? total - base * (count - 1) : base));
}

/** Cents as a plain decimal of euros, for files a spreadsheet reads: 1400 → "14.00". */
export function decimalEuros(cents: Cents): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Exact hundredths of a cent as a plain decimal of euros with four decimals: 9950 → "0.9950". */
export function decimalHundredths(amount: Hundredths): string {
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  return `${sign}${Math.floor(abs / 10_000)}.${String(abs % 10_000).padStart(4, '0')}`;
}

export function formatEuros(cents: Cents): string {
  return withEuroSign(decimalEuros(cents));
}

/** Exact hundredths as euros with four decimals, for statements (€0.9950). */
export function formatHundredths(amount: Hundredths): string {
  return withEuroSign(decimalHundredths(amount));
}

const withEuroSign = (decimal: string) => (decimal.startsWith('-') ? `-€${decimal.slice(1)}` : `€${decimal}`);
