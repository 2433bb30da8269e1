import { detectCustom } from './detectors/custom-pattern';
import { detectEmails } from './detectors/email.detector';
import { type Finding, FindingList } from './detectors/finding-list';
import { detectIbans } from './detectors/iban.detector';
import { detectIps } from './detectors/ip.detector';
import { type NumberKinds, detectNumbers } from './detectors/number.detector';
import { detectSecrets } from './detectors/secret.detector';
import type { CompiledPiiPolicy } from './pii-policy';

/**
 * Runs a policy's detectors over one text. Every detector is a linear scan (see each one), so
 * a text costs O(length) whatever it holds; `lastSteps` is the work the last scan did, for the
 * tests that bound it. Stateless between scans: one scanner serves every request of a policy.
 */
export class PiiScanner {
  private readonly numbers: NumberKinds;
  private readonly any: boolean;
  lastSteps = 0;

  constructor(private readonly policy: CompiledPiiPolicy) {
    const c = policy.categories;
    this.numbers = { phone: c.has('phone'), cnId: c.has('cn_id'), card: c.has('card') };
    this.any = c.size > 0 || policy.custom.length > 0;
  }

  /** The findings in text order, without overlaps. */
  scan(text: string): Finding[] {
    if (!this.any || text.length === 0) return [];
    const c = this.policy.categories;
    const out = new FindingList();
    if (c.has('email')) detectEmails(text, out);
    if (this.numbers.phone || this.numbers.cnId || this.numbers.card) detectNumbers(text, out, this.numbers);
    if (c.has('iban')) detectIbans(text, out);
    if (c.has('ip')) detectIps(text, out);
    if (c.has('secret')) detectSecrets(text, out);
    if (this.policy.custom.length) detectCustom(text, out, this.policy.custom);
    this.lastSteps = out.steps;
    return out.resolved();
  }
}
