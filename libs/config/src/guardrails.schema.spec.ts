import { parseConfig } from './switchyard-config.loader';
import { configProblems } from './config-problems.testing';

const tenant = (guardrails: string, key = '') => `tenants: [{ id: acme, guardrails: ${guardrails}, keys: [{ key: env:K ${key} }] }]`;

const problemsOf = configProblems;

describe('tenants[].guardrails and keys[].guardrails in switchyard.yaml', () => {
  it('reads a tenant policy and a key override', () => {
    const config = parseConfig(
      tenant('{ pii: { action: mask, categories: [email, card], restore: true, custom: [{ name: employee_id, pattern: "EMP-\\\\d{6}" }] } }', ', guardrails: { pii: { action: block } }'),
      'switchyard.yaml',
    );
    expect(config.tenants[0]?.guardrails).toEqual({ pii: { action: 'mask', categories: ['email', 'card'], restore: true, custom: [{ name: 'employee_id', pattern: 'EMP-\\d{6}' }] } });
    expect(config.tenants[0]?.keys[0]?.guardrails).toEqual({ pii: { action: 'block' } });
  });

  it.each([
    ['an unknown action', '{ pii: { action: redact } }', 'tenants[0].guardrails.pii.action: expected one of mask, block, detect'],
    ['an unknown category', '{ pii: { action: mask, categories: [ssn] } }', 'tenants[0].guardrails.pii.categories[0]: expected one of email, phone, cn_id, card, iban, ip, secret'],
    ['a pattern that backtracks catastrophically', '{ pii: { action: mask, custom: [{ name: x, pattern: "(a{1,9}){1,9}$" }] } }', 'tenants[0].guardrails.pii.custom[0].pattern: this pattern nests a quantifier'],
    ['a pattern with an unbounded quantifier', '{ pii: { action: mask, custom: [{ name: x, pattern: "[a-z]+[0-9]+$" }] } }', 'tenants[0].guardrails.pii.custom[0].pattern: this pattern uses an unbounded quantifier'],
    ['a pattern with a lookahead', '{ pii: { action: mask, custom: [{ name: x, pattern: "a(?=b)" }] } }', 'tenants[0].guardrails.pii.custom[0].pattern: this pattern uses a lookaround'],
    ['a pattern that does not compile', '{ pii: { action: mask, custom: [{ name: x, pattern: "[z-a]" }] } }', 'tenants[0].guardrails.pii.custom[0].pattern: not a valid regular expression'],
    ['a built-in name', '{ pii: { action: mask, custom: [{ name: email, pattern: "x" }] } }', 'tenants[0].guardrails.pii.custom[0].name: a custom pattern may not reuse a built-in category name'],
    ['a misspelt field', '{ pii: { action: mask, restor: true } }', 'tenants[0].guardrails.pii'],
    ['a policy without an action', '{ pii: { restore: true } }', 'tenants[0].guardrails.pii.action'],
  ])('refuses %s', (_why, guardrails, problem) => {
    const problems = problemsOf(tenant(guardrails));
    expect(problems).toEqual([expect.stringContaining(problem)]);
  });
});
