import { SecretBox } from '@switchyard/config';
import { type ResponseEvent } from '@switchyard/ir';
import { auditBodySealContext } from '@switchyard/shared';
import { AuditBodyCapture } from './audit-body.capture';

const box = new SecretBox(new Map([['k1', Buffer.alloc(32, 3)]]), 'k1');

async function drain(events: AsyncIterable<ResponseEvent>): Promise<void> {
  for await (const _ of events) {
    // relayed
  }
}

async function* answer(text: string): AsyncGenerator<ResponseEvent> {
  yield { event: { $case: 'textDelta', value: { text, choice: 0, logprobsJson: '', signature: '' } } };
}

describe(AuditBodyCapture.name, () => {
  it('seals the request and the watched answer for this request only', async () => {
    const sut = new AuditBodyCapture({ box, maxBytes: 1024 }, 'req-1');
    sut.takeRequest({ model: 'm', text: 'hi [EMAIL_1]' });
    await drain(sut.watch(answer('Noted [EMAIL_1].')));

    const sealed = sut.seal();

    expect(sealed.requestBody).toMatch(/^enc:v1:k1:/);
    expect(box.open(sealed.requestBody ?? '', auditBodySealContext('req-1', 'request'))).toBe('{"model":"m","text":"hi [EMAIL_1]"}');
    expect(box.open(sealed.responseBody ?? '', auditBodySealContext('req-1', 'response'))).toContain('Noted [EMAIL_1].');
    // Moved to another row, or to the other direction, it does not open.
    expect(() => box.open(sealed.requestBody ?? '', auditBodySealContext('req-2', 'request'))).toThrow();
    expect(() => box.open(sealed.requestBody ?? '', auditBodySealContext('req-1', 'response'))).toThrow();
  });

  it('cuts a body past the cap on a character boundary and says how much was cut', () => {
    const sut = new AuditBodyCapture({ box, maxBytes: 1024 }, 'req-1');
    sut.takeRequest('é'.repeat(2000));

    const opened = box.open(sut.seal().requestBody ?? '', auditBodySealContext('req-1', 'request'));

    expect(opened).toMatch(/^"é+…\[cut: \d+ more bytes\]$/);
    expect(Buffer.byteLength(opened.slice(0, opened.indexOf('…')))).toBeLessThanOrEqual(1024);
  });

  it('keeps no answer when none was watched (embeddings)', () => {
    const sut = new AuditBodyCapture({ box, maxBytes: 1024 }, 'req-1');
    sut.takeRequest({ input: ['a'] });

    expect(Object.keys(sut.seal())).toEqual(['requestBody']);
  });
});
