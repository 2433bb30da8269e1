import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhookSignature } from './webhook-signature';

describe(signWebhook.name, () => {
  const now = Date.UTC(2026, 11, 6, 12, 0, 0);
  const body = '{"type":"budget"}';

  it('signs "<unix seconds>.<body>" with HMAC-SHA256, as the docs tell receivers to check', () => {
    const t = Math.floor(now / 1000);
    const expected = createHmac('sha256', 'whsec').update(`${t}.${body}`).digest('hex');
    expect(signWebhook('whsec', body, now)).toBe(`t=${t},v1=${expected}`);
  });

  it('verifies its own signature within the tolerance', () => {
    expect(verifyWebhookSignature('whsec', signWebhook('whsec', body, now), body, now + 299_000)).toBe(true);
  });

  it.each([
    ['another secret', (h: string) => verifyWebhookSignature('other', h, body, now)],
    ['a changed body', (h: string) => verifyWebhookSignature('whsec', h, `${body} `, now)],
    ['a replay after the tolerance', (h: string) => verifyWebhookSignature('whsec', h, body, now + 301_000)],
    ['a moved timestamp', (h: string) => verifyWebhookSignature('whsec', h.replace(/^t=\d+/, `t=${Math.floor(now / 1000) + 1}`), body, now)],
    ['no header', () => verifyWebhookSignature('whsec', undefined, body, now)],
    ['a header without v1', (h: string) => verifyWebhookSignature('whsec', h.split(',')[0], body, now)],
  ])('refuses %s', (_, check) => {
    expect(check(signWebhook('whsec', body, now))).toBe(false);
  });

  it('accepts any of several v1 signatures (a secret being rotated)', () => {
    const header = signWebhook('new', body, now);
    const old = signWebhook('old', body, now).split(',')[1];
    expect(verifyWebhookSignature('old', `${header},${old}`, body, now)).toBe(true);
  });
});
