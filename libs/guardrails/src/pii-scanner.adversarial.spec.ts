import { PII_CATEGORIES } from './pii-category';
import { compilePiiPolicy } from './pii-policy';
import { PiiScanner } from './pii-scanner';

/**
 * Inputs built to make a backtracking matcher explode (long runs that almost match each
 * detector and fail at the end). The work is bounded by the scanners' own step counter — a
 * count of characters looked at — never by a clock: every built-in detector must stay linear.
 */
const N = 20_000;
const ADVERSARIAL: Record<string, string> = {
  'local parts without a domain': 'a'.repeat(N) + '@',
  'many @ signs': 'a@'.repeat(N / 2),
  'domains that never end in a TLD': `x@${'a-'.repeat(N / 2)}`,
  'dots between labels': `x@${'a.'.repeat(N / 2)}1`,
  'a digit run too long for anything': '1'.repeat(N),
  'digits separated by single spaces': '1 '.repeat(N / 2),
  'digits and hyphens': '1-'.repeat(N / 2),
  'plus signs before digits': '+1'.repeat(N / 2),
  'almost dotted quads': '1.'.repeat(N / 2),
  'octets that never close': '255.255.255.'.repeat(N / 12),
  'colons and hex': 'a:'.repeat(N / 2),
  'double colons': '::'.repeat(N / 2),
  'IBAN heads over and over': 'DE89'.repeat(N / 4),
  'IBAN groups with spaces': 'GB82 '.repeat(N / 5),
  'one long token': 'A1b2'.repeat(N / 4),
  'prefixes without a body': 'sk-'.repeat(N / 3),
  'brackets': '[EMAIL_'.repeat(N / 7),
};

describe(`${PiiScanner.name} on adversarial input`, () => {
  const scanner = new PiiScanner(compilePiiPolicy({ action: 'mask', categories: [...PII_CATEGORIES] }));

  it.each(Object.entries(ADVERSARIAL))('stays linear on %s', (_name, text) => {
    scanner.scan(text);
    // Seven detectors, each visiting a character a bounded number of times: measured at 4–6
    // steps per character on these inputs; a backtracking scan would be in the thousands.
    expect(scanner.lastSteps).toBeLessThanOrEqual(20 * text.length);
  });

  it('does the same work per character on 2x the input (no super-linear growth)', () => {
    for (const text of Object.values(ADVERSARIAL)) {
      scanner.scan(text);
      const once = scanner.lastSteps;
      scanner.scan(text + text);
      expect(scanner.lastSteps).toBeLessThanOrEqual(2 * once + 400);
    }
  });
});
