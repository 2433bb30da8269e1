/** Money as the API sends it (decimal text, nine decimals) shown to the cent, or finer when below one. */
export function usd(decimal: string | number | null | undefined): string {
  if (decimal === null || decimal === undefined) return '—';
  const n = Number(decimal);
  if (!Number.isFinite(n)) return String(decimal);
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  if (abs !== 0 && abs < 0.01) return `${sign}$${abs.toFixed(6)}`;
  return `${sign}$${abs.toFixed(2)}`;
}

export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : n.toLocaleString('en-US');
}

/** A UTC timestamp, to the second. */
export function when(iso: string | null | undefined): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '—';
}

/** YYYY-MM-DD of a date `days` before today (UTC). */
export function daysAgo(days: number, now = new Date()): string {
  return new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10);
}

export function thisMonth(now = new Date()): string {
  return now.toISOString().slice(0, 7);
}

/** Sums decimal strings exactly enough for display (nano-dollar integers). */
export function sumUsd(values: string[]): string {
  let nano = 0n;
  for (const v of values) nano += toNano(v);
  const sign = nano < 0n ? '-' : '';
  const abs = nano < 0n ? -nano : nano;
  return `${sign}${abs / 1_000_000_000n}.${(abs % 1_000_000_000n).toString().padStart(9, '0')}`;
}

function toNano(decimal: string): bigint {
  const negative = decimal.startsWith('-');
  const [whole = '0', frac = ''] = decimal.replace('-', '').split('.');
  const nano = BigInt(whole || '0') * 1_000_000_000n + BigInt((frac + '000000000').slice(0, 9));
  return negative ? -nano : nano;
}
