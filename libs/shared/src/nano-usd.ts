/**
 * Exact money for statements (issue 16): integer nano-dollars (10⁻⁹ USD, the ledger's
 * numeric(18,9) scale) as bigint, never binary floating point, so a total is the exact sum of
 * its lines. Postgres hands numeric values over as decimal text; these convert both ways.
 */
const DECIMAL = /^(-)?(\d+)(?:\.(\d{1,9}))?$/;

/** "12.5" → 12500000000n; refuses anything but a plain decimal with at most nine decimals. */
export function nanoUsdOf(decimal: string): bigint {
  const m = DECIMAL.exec(decimal.trim());
  if (!m) throw new Error(`not a USD amount with at most 9 decimals: "${decimal}"`);
  const nano = BigInt(m[2] as string) * 1_000_000_000n + BigInt((m[3] ?? '').padEnd(9, '0'));
  return m[1] ? -nano : nano;
}

/** 12500000000n → "12.500000000": always nine decimals, so the text compares and parses exactly. */
export function usdOfNano(nano: bigint): string {
  const sign = nano < 0n ? '-' : '';
  const abs = nano < 0n ? -nano : nano;
  return `${sign}${abs / 1_000_000_000n}.${(abs % 1_000_000_000n).toString().padStart(9, '0')}`;
}
