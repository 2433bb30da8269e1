import { codeAt, isDigit, isHex, isWord } from './char-codes';
import type { FindingList } from './finding-list';

const DOT = 46;
const COLON = 58;
/** The longest IPv6 text form: eight groups, or six and an embedded IPv4 address (RFC 4291 §2.2). */
const MAX_V6 = 45;

/**
 * IPv4 dotted quads (each octet 0–255, no leading zeros, not part of a longer dotted run such as
 * a version "1.2.3.4.5") and IPv6 addresses in the RFC 4291 text forms, `::` compression and an
 * embedded IPv4 tail included. Both are linear: an IPv4 candidate is read once from its first
 * digit, an IPv6 candidate is the bounded run of hex digits, colons and dots around a colon,
 * validated by a small parser. Times ("12:30:45") and MAC addresses are not IPv6 (too few
 * groups, no `::`); `::` with fewer than two non-empty groups is not reported.
 */
export function detectIps(text: string, out: FindingList, v4 = true, v6 = true): void {
  if (v4) detectV4(text, out);
  if (v6) detectV6(text, out);
}

function detectV4(text: string, out: FindingList): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    out.steps++;
    if (!isDigit(text.charCodeAt(i)) || isWord(codeAt(text, i - 1)) || codeAt(text, i - 1) === DOT) {
      i++;
      continue;
    }
    const end = readQuad(text, i, out);
    if (end > 0) {
      out.add('ip', i, end);
      i = end;
    } else {
      // Skip the rest of this run of digits and dots: no address starts inside it.
      while (i < n && (isDigit(text.charCodeAt(i)) || text.charCodeAt(i) === DOT)) {
        out.steps++;
        i++;
      }
    }
  }
}

/** The end of a dotted quad starting at `i`, or -1. */
function readQuad(text: string, i: number, out: FindingList): number {
  let j = i;
  for (let octet = 0; octet < 4; octet++) {
    if (octet > 0) {
      if (codeAt(text, j) !== DOT) return -1;
      j++;
    }
    const s = j;
    let v = 0;
    while (j - s < 4 && isDigit(codeAt(text, j))) {
      out.steps++;
      v = v * 10 + text.charCodeAt(j) - 48;
      j++;
    }
    const len = j - s;
    if (len === 0 || len > 3 || v > 255 || (len > 1 && text.charCodeAt(s) === 48)) return -1;
  }
  const after = codeAt(text, j);
  if (isWord(after) || (after === DOT && isDigit(codeAt(text, j + 1)))) return -1;
  return j;
}

function isV6Char(c: number): boolean {
  return isHex(c) || c === COLON || c === DOT;
}

function detectV6(text: string, out: FindingList): void {
  let from = 0;
  for (;;) {
    const colon = text.indexOf(':', from);
    if (colon < 0) return;
    let s = colon;
    while (colon - s <= MAX_V6 && isV6Char(codeAt(text, s - 1))) {
      out.steps++;
      s--;
    }
    let e = colon + 1;
    while (e - s <= MAX_V6 && isV6Char(codeAt(text, e))) {
      out.steps++;
      e++;
    }
    from = e;
    if (e - s > MAX_V6 || isWord(codeAt(text, s - 1)) || isWord(codeAt(text, e))) {
      // Too long to be one address, or part of a word ("std::map"): skip the whole run.
      while (from < text.length && isV6Char(text.charCodeAt(from))) {
        out.steps++;
        from++;
      }
      continue;
    }
    // A sentence may end right after the address.
    while (e > colon + 1 && text.charCodeAt(e - 1) === DOT) e--;
    if (validV6(text.slice(s, e))) out.add('ip', s, e);
  }
}

/** RFC 4291 §2.2 text forms; at most 45 characters, so the splits cost nothing. */
export function validV6(s: string): boolean {
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups: string[] = [];
  for (const half of halves) if (half !== '') groups.push(...half.split(':'));
  let count = 0;
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g];
    if (group.includes('.')) {
      // An embedded IPv4 address ends the address and counts for two groups.
      if (g !== groups.length - 1 || !/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(group)) return false;
      if (group.split('.').some((o) => Number(o) > 255)) return false;
      count += 2;
    } else if (/^[0-9a-fA-F]{1,4}$/.test(group)) count++;
    else return false;
  }
  if (halves.length === 1) return count === 8;
  return count <= 7 && groups.length >= 2;
}
