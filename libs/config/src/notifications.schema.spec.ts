import { DEFAULT_OUTBOUND_POLICY } from './outbound/outbound-policy.types';
import { parseConfig } from './switchyard-config.loader';
import { configProblems } from './config-problems.testing';

// The `notifications` section of switchyard.yaml (issue 13): webhooks for budget and health alerts.

const problemsOf = (text: string, outbound = DEFAULT_OUTBOUND_POLICY): readonly string[] => configProblems(text, outbound);

const hook = (fields: string) => `notifications: { webhooks: [{ name: ops, url: 'https://hooks.example.com/T0/B0/x', secret: env:OPS_HOOK_SECRET, ${fields} }] }`;

describe('notifications in switchyard.yaml', () => {
  it('is absent when the file has no notifications section', () => {
    expect(parseConfig('tenants: []', 'switchyard.yaml').notifications).toBeUndefined();
  });

  it('defaults to a 90 % threshold, every event and the Slack body', () => {
    expect(parseConfig(hook(''), 'switchyard.yaml').notifications).toEqual({
      budgetThreshold: 0.9,
      webhooks: [{ name: 'ops', url: 'https://hooks.example.com/T0/B0/x', secret: 'env:OPS_HOOK_SECRET', events: ['budget', 'health', 'spend'], format: 'slack' }],
    });
  });

  it('reads a threshold, events, format and a sealed secret', () => {
    const text = `notifications:\n  budgetThreshold: 0.75\n  webhooks:\n    - { name: pager, url: 'https://pager.example.com/in?team=a', secret: 'enc:v1:k1:AAAA', events: [health], format: json }\n`;
    expect(parseConfig(text, 'switchyard.yaml').notifications).toEqual({
      budgetThreshold: 0.75,
      webhooks: [{ name: 'pager', url: 'https://pager.example.com/in?team=a', secret: 'enc:v1:k1:AAAA', events: ['health'], format: 'json' }],
    });
  });

  it.each([
    ['a literal secret', `notifications: { webhooks: [{ name: a, url: 'https://h.example.com/', secret: s3cret-value }] }`, /secret: expected env:NAME or a sealed value/],
    ['an unknown event', hook('events: [budget, weather]'), /events\[1\]/],
    ['an unknown format', hook('format: teams'), /format/],
    ['no events', hook('events: []'), /events/],
    ['a threshold of 100 %', `notifications: { budgetThreshold: 1 }`, /budgetThreshold/],
    ['a misspelt key', hook('fromat: json'), /fromat: unknown key/],
    ['a plain http URL', `notifications: { webhooks: [{ name: a, url: 'http://h.example.com/', secret: env:S }] }`, /url: http: is refused/],
    ['a metadata host', `notifications: { webhooks: [{ name: a, url: 'https://169.254.169.254/', secret: env:S }] }`, /url: .*never an upstream/],
    ['a private address', `notifications: { webhooks: [{ name: a, url: 'https://10.1.2.3/hook', secret: env:S }] }`, /url: .*refused unless SWITCHYARD_OUTBOUND_ALLOW_PRIVATE=true/],
    ['credentials in the URL', `notifications: { webhooks: [{ name: a, url: 'https://u:p@h.example.com/', secret: env:S }] }`, /url: credentials in the URL/],
    [
      'two webhooks of one name',
      `notifications: { webhooks: [{ name: a, url: 'https://h.example.com/1', secret: env:S }, { name: a, url: 'https://h.example.com/2', secret: env:S }] }`,
      /webhooks\[1\]\.name: duplicate webhook name "a"/,
    ],
  ])('refuses %s', (_, text, problem) => {
    const problems = problemsOf(text);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toMatch(problem);
  });

  it('allows a local receiver when the outbound policy does', () => {
    const local = `notifications: { webhooks: [{ name: a, url: 'http://127.0.0.1:9000/hook', secret: env:S }] }`;
    expect(problemsOf(local)).not.toEqual([]);
    expect(problemsOf(local, { ...DEFAULT_OUTBOUND_POLICY, allowHttp: true, allowPrivate: true })).toEqual([]);
  });
});
