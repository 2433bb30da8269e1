import { Dialect, ErrorKind, IrError, Role, type ChatRequest, type ContentPart, type EmbedRequest } from '@switchyard/ir';
import { RequestLimits } from './request-limits';

const text = (t: string): ContentPart => ({ part: { $case: 'text' as const, value: { text: t, signature: '' } }, cacheControlJson: '' });
const chat = (prompt: string, maxTokens?: number, n?: number): ChatRequest => ({
  messages: [{ role: Role.ROLE_USER, content: [text(prompt)], name: '' }],
  sampling: { maxTokens, n, stop: [] },
  model: '',
  system: [],
  tools: [],
  stream: false,
  includeUsage: false,
  droppedParams: [],
});
const embed = (count: number, dialect = Dialect.DIALECT_OPENAI): EmbedRequest => ({
  inputs: Array.from({ length: count }, () => ({ text: 'abcd', tokens: [] })),
  meta: { dialect, requestId: '', tenantId: '', keyId: '', endUserId: '', region: '', cacheMode: '', allowedRegions: [], clientRequestId: '' },
  model: '',
  taskType: '',
  title: '',
  droppedParams: [],
});

function refusal(run: () => unknown): IrError {
  try {
    run();
  } catch (err) {
    if (err instanceof IrError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe(RequestLimits.name, () => {
  const sut = new RequestLimits({ maxEmbedInputs: 3, maxRequestTokens: 1000 });

  it('hands back the size admission counts when the request is within the ceilings', () => {
    // 40 characters → 10 tokens, +4 for the message; 100 output tokens × 2 choices.
    expect(sut.chat(chat('a'.repeat(40), 100, 2))).toEqual({ inputEstimate: 14, inputBound: 44, maxOutput: 200 });
    expect(sut.embed(embed(3))).toEqual({ inputEstimate: 3, inputBound: 12, maxOutput: 0 });
  });

  it('refuses a request whose input estimate plus requested output passes the token ceiling, naming the limit', () => {
    const err = refusal(() => sut.chat(chat('a'.repeat(40), 500, 2)));

    expect(err.kind).toBe(ErrorKind.ERROR_KIND_CONTEXT_LENGTH);
    expect(err.message).toContain('about 1014 tokens');
    expect(err.message).toContain('limit of 1000 tokens per request');
  });

  it('refuses a prompt alone past the ceiling', () => {
    expect(refusal(() => sut.chat(chat('a'.repeat(4000)))).message).toContain('about 1004 input tokens');
  });

  it('accepts exactly the ceiling', () => {
    // 4 (message) + 96 characters → 28; 972 output.
    expect(sut.chat(chat('a'.repeat(96), 972)).maxOutput).toBe(972);
  });

  it('refuses more embeddings inputs than allowed, named as the OpenAI dialect names them', () => {
    const err = refusal(() => sut.embed(embed(4)));

    expect(err.kind).toBe(ErrorKind.ERROR_KIND_INVALID_REQUEST);
    expect(err.param).toBe('input');
    expect(err.message).toBe('input: this gateway accepts at most 3 inputs per embeddings request, got 4; send them in several requests');
  });

  it('names batchEmbedContents requests for a Gemini client', () => {
    expect(refusal(() => sut.embed(embed(4, Dialect.DIALECT_GEMINI))).param).toBe('requests');
  });

  it('applies the token ceiling to embeddings too', () => {
    const big = new RequestLimits({ maxEmbedInputs: 10, maxRequestTokens: 2 });
    expect(refusal(() => big.embed(embed(3))).kind).toBe(ErrorKind.ERROR_KIND_CONTEXT_LENGTH);
  });
});
