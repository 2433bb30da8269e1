// The check digits that separate a real identifier from a run of digits that only looks like
// one: a finding is reported only when its checksum holds, which keeps false positives down.

/** Luhn (ISO/IEC 7812-1): payment card numbers. `digits` holds only 0-9. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Mainland China resident identity number (GB 11643-1999): 17 digits and a check character
 * (0-9 or X) that is ISO 7064 MOD 11-2 over the 17 weighted digits; positions 7-14 are the
 * birth date, which must be a real calendar date between 1900 and 2099. The first digit (the
 * province code) is never 0.
 */
export function cnIdValid(id: string): boolean {
  if (id.length !== 18 || id.charCodeAt(0) === 48) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (id.charCodeAt(i) - 48) * ID_WEIGHTS[i];
  const check = id[17] === 'x' ? 'X' : id[17];
  if (ID_CHECK[sum % 11] !== check) return false;
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  if (year < 1900 || year > 2099 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 && !leap ? 28 : DAYS_IN_MONTH[month - 1]);
}

/** A character's value in an IBAN: 0-9 as is, A-Z as 10-35 (ISO 13616). */
export function ibanValue(c: number): number {
  return c <= 57 ? c - 48 : c - 55;
}

/**
 * Folds one IBAN character into a running remainder mod 97, so a scanner can test every
 * prefix of a run in one pass (ISO 7064 MOD 97-10).
 */
export function mod97Step(rest: number, c: number): number {
  const v = ibanValue(c);
  return v > 9 ? (rest * 100 + v) % 97 : (rest * 10 + v) % 97;
}
