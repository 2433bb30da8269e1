import { cnIdValid, luhnValid } from './checksums';
import { codeAt, isDigit, isWord } from './char-codes';
import type { FindingList } from './finding-list';

/** Which of the number-shaped categories to report. */
export interface NumberKinds {
  phone: boolean;
  cnId: boolean;
  card: boolean;
}

const SPACE = 32;
const HYPHEN = 45;
const PLUS = 43;
const DOT = 46;
const COMMA = 44;
/** Longer runs are not one identifier (E.164 ≤ 15 digits, cards ≤ 19, IDs 18). */
const MAX_DIGITS = 19;

/**
 * Phone numbers, resident IDs and payment cards in one linear pass over digit runs. A run is
 * an optional `+`, then digits with single spaces or hyphens between them ("4111 1111-1111
 * 1111"); it must not touch a word character or be part of a decimal or version number
 * (`3.14159…`, `1.2.3`). Each run is classified once, in this order:
 *
 * - resident ID: 17 digits and a check character, no separators, checksum and birth date valid;
 * - phone, China mobile with country code: `86` or `+86` then `1[3-9]` and 9 digits;
 * - card: 13–19 digits (separators allowed) starting 2–6 (the payment networks' major industry
 *   identifiers: Mastercard 2/5, Amex and JCB 3, Visa 4, Discover and UnionPay 6 — which keeps
 *   13-digit epoch milliseconds, starting 1, out) and passing Luhn;
 * - phone, E.164: `+` then 8–15 digits, the first not 0;
 * - phone, China mobile: 11 digits `1[3-9]…`.
 *
 * A run with separators that is none of these is tried piece by piece, so "2024-01-01
 * 13800138000" still finds the phone. Each character is visited at most twice.
 */
export function detectNumbers(text: string, out: FindingList, kinds: NumberKinds): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    out.steps++;
    const c = text.charCodeAt(i);
    const plus = c === PLUS && isDigit(codeAt(text, i + 1));
    if (!plus && !isDigit(c)) {
      i++;
      continue;
    }
    const before = codeAt(text, i - 1);
    const start = i;
    let j = plus ? i + 1 : i;
    let digits = 0;
    let separated = false;
    for (;;) {
      out.steps++;
      const d = codeAt(text, j);
      if (isDigit(d)) {
        digits++;
        j++;
      } else if ((d === SPACE || d === HYPHEN) && isDigit(codeAt(text, j + 1)) && isDigit(codeAt(text, j - 1))) {
        separated = true;
        j++;
      } else break;
    }
    let end = j;
    // The resident ID's check character may be X.
    const x = codeAt(text, end);
    if (!separated && !plus && digits === 17 && (x === 88 || x === 120)) end++;
    const after = codeAt(text, end);
    const decimal = ((before === DOT || before === COMMA) && isDigit(codeAt(text, start - 2))) || ((after === DOT || after === COMMA) && isDigit(codeAt(text, end + 1)));
    if (!isWord(before) && !isWord(after) && !decimal && digits <= MAX_DIGITS) {
      const found = classify(text.slice(start, end), separated, plus, kinds);
      if (found) out.add(found, start, end);
      else if (separated) pieces(text, start, end, out, kinds);
    }
    i = end > i ? end : i + 1;
  }
}

/** The separator-free pieces of a run that matched nothing as a whole. */
function pieces(text: string, start: number, end: number, out: FindingList, kinds: NumberKinds): void {
  let s = start;
  for (let k = start; k <= end; k++) {
    out.steps++;
    const c = k < end ? text.charCodeAt(k) : SPACE;
    if (c !== SPACE && c !== HYPHEN) continue;
    if (k > s) {
      const plus = text.charCodeAt(s) === PLUS;
      const found = classify(text.slice(s, k), false, plus, kinds);
      if (found) out.add(found, s, k);
    }
    s = k + 1;
  }
}

function classify(raw: string, separated: boolean, plus: boolean, kinds: NumberKinds): string | undefined {
  const digits = separated || plus ? raw.replace(/[^0-9]/g, '') : raw;
  const len = digits.length;
  if (kinds.cnId && !separated && !plus && len === 18 && cnIdValid(digits)) return 'cn_id';
  // Only a resident ID ends in X.
  if (!isDigit(digits.charCodeAt(len - 1))) return undefined;
  if (kinds.phone && len === 13 && digits.startsWith('86') && chinaMobile(digits, 2)) return 'phone';
  const first = digits.charCodeAt(0);
  if (kinds.card && !plus && len >= 13 && len <= 19 && first >= 50 && first <= 54 && luhnValid(digits)) return 'card';
  if (kinds.phone && plus && len >= 8 && len <= 15 && digits.charCodeAt(0) !== 48) return 'phone';
  if (kinds.phone && !plus && len === 11 && chinaMobile(digits, 0)) return 'phone';
  return undefined;
}

/** `1[3-9]` and 9 more digits from `at` (mainland China mobile numbers). */
function chinaMobile(digits: string, at: number): boolean {
  const second = digits.charCodeAt(at + 1);
  return digits.charCodeAt(at) === 49 && second >= 51 && second <= 57;
}
