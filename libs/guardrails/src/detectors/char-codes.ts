// Character tests over UTF-16 code units, shared by the linear scanners. Only ASCII counts as a
// word character: PII formats are ASCII, and a CJK character next to a number is a boundary
// ("手机13800138000").

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

export function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}

export function isAlpha(c: number): boolean {
  return isUpper(c) || isLower(c);
}

export function isAlnum(c: number): boolean {
  return isDigit(c) || isAlpha(c);
}

/** Letters, digits and `_`: what may not touch a finding on either side. */
export function isWord(c: number): boolean {
  return isAlnum(c) || c === 95;
}

export function isHex(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** The code unit at `i`, or -1 outside the text (a boundary). */
export function codeAt(text: string, i: number): number {
  return i >= 0 && i < text.length ? text.charCodeAt(i) : -1;
}
