import { codeAt, isAlnum, isAlpha } from './char-codes';
import type { FindingList } from './finding-list';

const DOT = 46;
const HYPHEN = 45;
/** RFC 5321 §4.5.3.1: a local part is at most 64 octets, a domain at most 255. */
const MAX_LOCAL = 64;
const MAX_DOMAIN = 255;

/** Local-part characters of the common dot-atom form (RFC 5322 atext, without the rare ones). */
function isLocal(c: number): boolean {
  return isAlnum(c) || c === DOT || c === 95 || c === 37 || c === 43 || c === HYPHEN || c === 39;
}

function isDomain(c: number): boolean {
  return isAlnum(c) || c === DOT || c === HYPHEN;
}

/**
 * E-mail addresses, anchored on each `@`: the local part is read backwards and the domain
 * forwards, each bounded by its RFC length, so the work is linear in the text (at most 64 + 255
 * characters per `@`, and a domain read is never read again). The domain needs a dot and a
 * top-level label of two or more letters.
 */
export function detectEmails(text: string, out: FindingList): void {
  let from = 0;
  for (;;) {
    const at = text.indexOf('@', from);
    if (at < 0) return;
    let start = at;
    while (at - start < MAX_LOCAL && isLocal(codeAt(text, start - 1))) {
      out.steps++;
      start--;
    }
    while (start < at && text.charCodeAt(start) === DOT) start++;
    let end = at + 1;
    let lastDot = -1;
    while (end - at <= MAX_DOMAIN && isDomain(codeAt(text, end))) {
      out.steps++;
      if (text.charCodeAt(end) === DOT) lastDot = end;
      end++;
    }
    // A sentence may end right after the address.
    while (end > at + 1 && (text.charCodeAt(end - 1) === DOT || text.charCodeAt(end - 1) === HYPHEN)) end--;
    if (lastDot >= end) lastDot = text.lastIndexOf('.', end - 1);
    if (start < at && lastDot > at + 1 && end - lastDot > 2 && tldOk(text, lastDot + 1, end) && codeAt(text, at + 1) !== DOT) {
      out.add('email', start, end);
    }
    from = end > at ? end : at + 1;
  }
}

function tldOk(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isAlpha(text.charCodeAt(i))) return false;
  return true;
}
