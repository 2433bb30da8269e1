import { Logger } from '@nestjs/common';
import { ErrorKind } from '@switchyard/ir';
import type { AuthPort, RouterPort, UsageSink } from '@switchyard/ir';
import { pipelineOf, serveThrough } from './chat-pipeline.harness';
import { ChatPipeline } from './chat-pipeline.service';

// The edge refuses text the ledger could not store (issue 10, finding 2) before anything is
// admitted or routed: a 400 in the client's dialect naming the field.

const KEY = { authorization: 'Bearer sk-sy-test', 'x-goog-api-key': 'sk-sy-test' };

function harness() {
  const admitted: unknown[] = [];
  const auth = {
    admit: (r: unknown) => {
      admitted.push(r);
      return Promise.resolve({ admitted: false, error: { kind: ErrorKind.ERROR_KIND_AUTHENTICATION, message: 'stop here', retryable: false } });
    },
  } as unknown as AuthPort;
  const router = {} as RouterPort;
  const usage: UsageSink = { publish: () => undefined };
  return { sut: pipelineOf(auth, router, usage), admitted };
}

async function post(url: string, body: string): Promise<{ status: number; body: Record<string, unknown>; admitted: number }> {
  const { sut, admitted } = harness();
  const search = url.split('?')[1] ?? '';
  const { status, body: answer } = await serveThrough(sut, url, body, KEY, Object.fromEntries(new URLSearchParams(search)));
  return { status, body: answer, admitted: admitted.length };
}

describe(`${ChatPipeline.name} refuses text the ledger cannot store`, () => {
  beforeAll(() => Logger.overrideLogger(false));

  it.each([
    ['a NUL in the model', String.raw`{"model":"gpt\u0000x","messages":[{"role":"user","content":"hi"}]}`, 'model'],
    ['a lone surrogate deep in a message', String.raw`{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"a\ud83d"}]}]}`, 'messages[0].content[0].text'],
    ['a NUL in a key', String.raw`{"model":"m","messages":[{"role":"user","content":"hi"}],"metadata":{"a\u0000":"b"}}`, 'metadata.a\uFFFD'],
  ])('answers an OpenAI client 400 for %s, naming %s, before admission', async (_what, body, param) => {
    const answer = await post('/v1/chat/completions', body);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { type: 'invalid_request_error', param } });
    expect(JSON.stringify(answer.body)).toContain('U+0000');
    expect(answer.admitted).toBe(0);
  });

  it('answers 400, not 500, for a NUL at the bottom of a body nested 100,000 levels deep', async () => {
    const deep = `${'['.repeat(100_000)}"\\u0000"${']'.repeat(100_000)}`;
    const answer = await post('/v1/chat/completions', `{"model":"m","messages":[{"role":"user","content":"hi"}],"user":${deep}}`);
    expect(answer.status).toBe(400);
    expect(String((answer.body['error'] as { param: string }).param)).toMatch(/^user\[0\]\[0\]/);
  });

  it('answers an Anthropic client in its own shape', async () => {
    const answer = await post('/v1/messages', String.raw`{"model":"claude\u0000","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}`);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(answer.admitted).toBe(0);
  });

  it('answers a Gemini client 400 for %00 in the path model', async () => {
    const answer = await post('/v1beta/models/gemini%00x:generateContent', '{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}');
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT' } });
    expect(String((answer.body['error'] as { message: string }).message)).toMatch(/^model: /);
  });

  it('answers 400 for %00 in a query parameter, naming it', async () => {
    const answer = await post('/v1/chat/completions?trace=a%00b', '{"model":"m","messages":[{"role":"user","content":"hi"}]}');
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { param: 'query parameter trace' } });
  });

  it('lets valid surrogate pairs (escaped emoji) and ordinary escapes through to admission', async () => {
    const answer = await post('/v1/chat/completions', String.raw`{"model":"m","messages":[{"role":"user","content":"smile \ud83d\ude00 \u00e9 \\u0000"}]}`);
    expect(answer.admitted).toBe(1);
    expect(answer.status).toBe(401);
  });
});
