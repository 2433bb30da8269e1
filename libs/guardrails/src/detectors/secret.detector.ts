import { isAlnum, isDigit, isLower, isUpper } from './char-codes';
import type { FindingList } from './finding-list';

/**
 * A known credential shape: the token starts with `prefix` and has at least `min` (at most
 * `max`) characters after it. Sources: each vendor's documented key format (OpenAI `sk-`,
 * `sk-proj-`; Anthropic `sk-ant-`; AWS access key ids `AKIA`/`ASIA` + 16; GitHub `ghp_` etc.
 * and `github_pat_`; Slack `xoxb-`/`xoxp-`…; Google API keys `AIza` + 35; GitLab `glpat-`;
 * Stripe `sk_live_`…; Hugging Face `hf_`; npm `npm_`).
 */
interface KnownPrefix {
  prefix: string;
  min: number;
  max: number;
  upperDigitsOnly?: boolean;
}

const KNOWN: KnownPrefix[] = [
  { prefix: 'sk-ant-', min: 20, max: 256 },
  { prefix: 'sk-', min: 20, max: 256 },
  { prefix: 'AKIA', min: 16, max: 16, upperDigitsOnly: true },
  { prefix: 'ASIA', min: 16, max: 16, upperDigitsOnly: true },
  { prefix: 'ghp_', min: 20, max: 255 },
  { prefix: 'gho_', min: 20, max: 255 },
  { prefix: 'ghu_', min: 20, max: 255 },
  { prefix: 'ghs_', min: 20, max: 255 },
  { prefix: 'ghr_', min: 20, max: 255 },
  { prefix: 'github_pat_', min: 20, max: 255 },
  { prefix: 'xoxb-', min: 10, max: 255 },
  { prefix: 'xoxp-', min: 10, max: 255 },
  { prefix: 'xoxa-', min: 10, max: 255 },
  { prefix: 'xoxr-', min: 10, max: 255 },
  { prefix: 'AIza', min: 35, max: 35 },
  { prefix: 'glpat-', min: 20, max: 255 },
  { prefix: 'sk_live_', min: 16, max: 255 },
  { prefix: 'rk_live_', min: 16, max: 255 },
  { prefix: 'sk_test_', min: 16, max: 255 },
  { prefix: 'hf_', min: 30, max: 255 },
  { prefix: 'npm_', min: 36, max: 36 },
];

/**
 * The high-entropy rule for tokens without a known prefix, tuned to miss a short random token
 * rather than mask the identifiers that fill code prompts: at least `MIN_ENTROPY_LEN`
 * characters holding a digit, an upper- and a lower-case letter; a Shannon entropy of at least
 * `ENTROPY_BITS` bits per character; and a character class (digit, upper, lower, other) that
 * changes at least `MIN_CLASS_SWITCHES` times per character. Measured here: random base62 of
 * 32 characters scores 4.5–4.9 bits and switches 0.5–0.7; camel-case identifiers with digits
 * ("thisIsAVeryLongCamelCaseIdentifierWithNumbers123") reach 4.5 bits but switch ≤ 0.38; hex
 * digests and UUIDs stay below 4.0 bits (16 symbols) and are kept on purpose — identifiers far
 * more often than secrets. About 5% of random 32-character tokens fall under the entropy bar;
 * keys with a known prefix are caught whatever their entropy.
 */
export const MIN_ENTROPY_LEN = 32;
export const ENTROPY_BITS = 4.3;
export const MIN_CLASS_SWITCHES = 0.4;
const MAX_TOKEN = 512;

const HYPHEN = 45;
const UNDERSCORE = 95;
const PLUS = 43;

/** Token characters: what API keys and base64 are made of, but not `/` (paths, URLs) or `=` (`key=value`). */
function isTokenChar(c: number): boolean {
  return isAlnum(c) || c === HYPHEN || c === UNDERSCORE || c === PLUS;
}

/**
 * API keys and secrets, over the text's tokens (maximal runs of token characters), one pass:
 * each token is tested against the known prefixes and then the entropy rule. Counting symbols
 * uses one table reused across tokens (no allocation per token).
 */
export function detectSecrets(text: string, out: FindingList): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    out.steps++;
    if (!isTokenChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && isTokenChar(text.charCodeAt(j))) {
      out.steps++;
      j++;
    }
    const len = j - i;
    if (len >= 14 && len <= MAX_TOKEN && (knownPrefix(text, i, j) || highEntropy(text, i, j, out))) out.add('secret', i, j);
    i = j;
  }
}

function knownPrefix(text: string, start: number, end: number): boolean {
  for (const k of KNOWN) {
    if (!text.startsWith(k.prefix, start)) continue;
    const rest = end - start - k.prefix.length;
    if (rest < k.min || rest > k.max) return false;
    if (k.upperDigitsOnly) {
      for (let i = start + k.prefix.length; i < end; i++) {
        const c = text.charCodeAt(i);
        if (!isUpper(c) && !isDigit(c)) return false;
      }
    }
    return true;
  }
  return false;
}

const counts = new Uint16Array(128);

/** Shannon entropy of the token in bits per character, over its ASCII symbols. */
export function entropyOf(text: string, start: number, end: number): number {
  for (let i = start; i < end; i++) counts[text.charCodeAt(i)]++;
  let bits = 0;
  const len = end - start;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    const k = counts[c];
    if (k === 0) continue;
    const p = k / len;
    bits -= p * Math.log2(p);
    counts[c] = 0;
  }
  return bits;
}

function highEntropy(text: string, start: number, end: number, out: FindingList): boolean {
  const len = end - start;
  if (len < MIN_ENTROPY_LEN) return false;
  let seen = 0;
  let switches = 0;
  let last = -1;
  for (let i = start; i < end; i++) {
    out.steps++;
    const cls = classOf(text.charCodeAt(i));
    seen |= 1 << cls;
    if (last >= 0 && cls !== last) switches++;
    last = cls;
  }
  return (seen & 7) === 7 && switches >= len * MIN_CLASS_SWITCHES && entropyOf(text, start, end) >= ENTROPY_BITS;
}

/** 0 digit, 1 upper, 2 lower, 3 other. */
function classOf(c: number): number {
  return isDigit(c) ? 0 : isUpper(c) ? 1 : isLower(c) ? 2 : 3;
}
