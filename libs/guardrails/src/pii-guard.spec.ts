import { ErrorKind, IrError, type PiiPolicy } from '@switchyard/ir';
import { type PiiFinding, PiiGuard } from './pii-guard';
import type { PiiRedaction } from './pii-redaction';

const policy = (over: Partial<PiiPolicy>): PiiPolicy => ({ action: 'mask', categories: [], restore: false, custom: [], ...over });
const TEXT = 'I am jane@example.com, badge EMP-123456, card 4111 1111 1111 1111';

/** Runs the guard over one text and returns what it made of it. */
function run(guard: PiiGuard, pii: PiiPolicy | undefined, tenant = 'acme'): { text: string; outcome: ReturnType<PiiGuard['inspect']> } {
  let text = TEXT;
  const outcome = guard.inspect(pii, tenant, (r: PiiRedaction) => {
    text = r.apply(text);
  });
  return { text, outcome };
}

const counted: PiiFinding[] = [];
const findings = (tenant: string, category: string, action: string): number => counted.filter((f) => f.tenant === tenant && f.category === category && f.action === action).length;

describe(PiiGuard.name, () => {
  const sut = new PiiGuard((f) => counted.push(f));

  it('does nothing for a key without a policy', () => {
    expect(run(sut, undefined)).toEqual({ text: TEXT, outcome: undefined });
  });

  it('masks, counts each category once per request (custom ones as custom), and keeps the values to restore', () => {
    const before = findings('t-mask', 'email', 'mask');
    const custom = findings('t-mask', 'custom', 'mask');
    const { text, outcome } = run(sut, policy({ restore: true, custom: [{ name: 'badge', pattern: 'EMP-\\d{6}' }] }), 't-mask');

    expect(text).toBe('I am [EMAIL_1], badge [BADGE_1], card [CARD_1]');
    expect(outcome?.categories).toEqual(['email', 'badge', 'card']);
    expect([...(outcome?.restore ?? [])]).toEqual([
      ['[EMAIL_1]', 'jane@example.com'],
      ['[BADGE_1]', 'EMP-123456'],
      ['[CARD_1]', '4111 1111 1111 1111'],
    ]);
    expect(findings('t-mask', 'email', 'mask')).toBe(before + 1);
    expect(findings('t-mask', 'custom', 'mask')).toBe(custom + 1);
  });

  it('only records with detect', () => {
    const { text, outcome } = run(sut, policy({ action: 'detect', categories: ['card'] }), 't-detect');
    expect(text).toBe(TEXT);
    expect(outcome).toEqual({ action: 'detect', categories: ['card'] });
    expect(findings('t-detect', 'card', 'detect')).toBeGreaterThan(0);
  });

  it('blocks with a 400 naming the categories and never a value', () => {
    const { text, outcome } = run(sut, policy({ action: 'block', categories: ['email', 'card'] }));
    expect(text).toBe(TEXT);
    expect(outcome).toEqual({ action: 'block', categories: ['email', 'card'] });
    let thrown: unknown;
    try {
      sut.enforce(outcome);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(IrError);
    expect((thrown as IrError).kind).toBe(ErrorKind.ERROR_KIND_INVALID_REQUEST);
    expect((thrown as IrError).message).toBe('This request contains personal data that this API key may not send (email, card). Remove it and try again.');
  });

  it('lets a request without findings through a blocking policy', () => {
    let text = 'nothing to see';
    const outcome = sut.inspect(policy({ action: 'block' }), 'acme', (r) => {
      text = r.apply(text);
    });
    expect(outcome).toEqual({ action: 'block', categories: [] });
    expect(() => sut.enforce(outcome)).not.toThrow();
    expect(() => sut.enforce(undefined)).not.toThrow();
  });
});
