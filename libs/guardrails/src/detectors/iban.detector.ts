import { mod97Step } from './checksums';
import { codeAt, isDigit, isUpper, isWord } from './char-codes';
import type { FindingList } from './finding-list';

const SPACE = 32;
/** ISO 13616: the shortest IBAN (Norway) has 15 characters, the longest 34. */
const MIN_LEN = 15;
const MAX_LEN = 34;

/**
 * IBANs: two capital letters, two check digits, then up to 30 capitals or digits, optionally in
 * groups of four separated by single spaces. The check is ISO 7064 MOD 97-10 over the BBAN
 * followed by the country code and check digits; it is folded one character at a time, so
 * every group boundary of the run is a candidate end and the longest one that checks out is the
 * finding ("DE89 3704 0044 0532 0130 00 IS MINE" ends before "IS"). One pass per candidate
 * start, at most 34 characters each. Per-country lengths are not checked: the checksum already
 * rejects 96 of 97 random runs.
 */
export function detectIbans(text: string, out: FindingList): void {
  const n = text.length;
  for (let i = 0; i + MIN_LEN <= n; i++) {
    out.steps++;
    if (!isUpper(text.charCodeAt(i)) || !isUpper(codeAt(text, i + 1)) || !isDigit(codeAt(text, i + 2)) || !isDigit(codeAt(text, i + 3))) continue;
    if (isWord(codeAt(text, i - 1))) continue;
    // The country code and check digits, moved to the end: four characters, six decimal digits.
    const head = mod97Step(mod97Step(mod97Step(mod97Step(0, text.charCodeAt(i)), text.charCodeAt(i + 1)), text.charCodeAt(i + 2)), text.charCodeAt(i + 3));
    let rest = 0;
    let len = 4;
    let best = -1;
    let j = i + 4;
    while (len < MAX_LEN) {
      out.steps++;
      let c = codeAt(text, j);
      if (c === SPACE && isIbanChar(codeAt(text, j + 1)) && isIbanChar(codeAt(text, j - 1))) {
        j++;
        c = text.charCodeAt(j);
      }
      if (!isIbanChar(c)) break;
      rest = mod97Step(rest, c);
      len++;
      j++;
      if (len >= MIN_LEN && !isWord(codeAt(text, j)) && (rest * 1_000_000 + head) % 97 === 1) best = j;
    }
    if (best > 0) {
      out.add('iban', i, best);
      i = best - 1;
    }
  }
}

function isIbanChar(c: number): boolean {
  return isDigit(c) || isUpper(c);
}
