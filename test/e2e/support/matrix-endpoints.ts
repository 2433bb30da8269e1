import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import type { ProviderSimulator, RecordedRequest } from '@switchyard/testing';
import { CHAT_MODELS, EMBED_MODELS, MATRIX_KEY, type UpstreamFamily } from './matrix-config';

// The matrix's non-chat rows: embeddings (OpenAI /v1/embeddings, Gemini embedContent and
// batchEmbedContents) on the two families that have them, token counting (Anthropic
// count_tokens, Gemini countTokens) on each family, and the model lists of the three SDKs.

type Json = Record<string, unknown>;

export interface MatrixGateway {
  baseUrl: string;
  sim: ProviderSimulator;
}

const UPSTREAMS = ['openai', 'anthropic', 'gemini'] as const satisfies readonly UpstreamFamily[];
const EMBED_FAMILIES = ['openai', 'gemini'] as const;
const TEXTS = ['alpha', 'beta'];
const EMBED_PATH = /\/embeddings$|:(embedContent|batchEmbedContents)$/;
const COUNT_PATH = /count_tokens$|:countTokens$/;

/** Vectors the upstream answers to exactly the request the gateway sent it (asked again). */
async function upstreamVectors(sim: ProviderSimulator, rec: RecordedRequest): Promise<number[][]> {
  const query = new URLSearchParams(rec.query).toString();
  const res = await fetch(`${sim.url}${rec.path}${query ? `?${query}` : ''}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: rec.rawBody });
  const body = (await res.json()) as Json;
  if (Array.isArray(body['data'])) return (body['data'] as Json[]).map((d) => d['embedding'] as number[]);
  if (Array.isArray(body['embeddings'])) return (body['embeddings'] as Json[]).map((e) => e['values'] as number[]);
  return [(body['embedding'] as Json)['values'] as number[]];
}

/** The texts an upstream embedding request carried. */
function embeddedTexts(rec: RecordedRequest): unknown {
  const body = rec.body as Json;
  if (rec.provider === 'openai') return body['input'];
  const textsOf = (content: unknown) => ((content as Json)['parts'] as Json[]).map((p) => p['text']).join('');
  if (Array.isArray(body['requests'])) return (body['requests'] as Json[]).map((r) => textsOf(r['content']));
  return [textsOf(body['content'])];
}

export function describeNonChatEndpoints(get: () => MatrixGateway): void {
  const openai = () => new OpenAI({ baseURL: `${get().baseUrl}/v1`, apiKey: MATRIX_KEY, maxRetries: 0 });
  const anthropic = (f?: typeof fetch) => new Anthropic({ baseURL: get().baseUrl, apiKey: MATRIX_KEY, maxRetries: 0, fetch: f });
  const gemini = (f: typeof fetch = fetch) => new GoogleGenAI({ apiKey: MATRIX_KEY, httpOptions: { baseUrl: get().baseUrl, fetch: f } });
  const only = (predicate: (r: RecordedRequest) => boolean): RecordedRequest => {
    const found = get().sim.requests.filter(predicate);
    expect(found).toHaveLength(1);
    return found[0] as RecordedRequest;
  };

  describe('embeddings', () => {
    describe.each(EMBED_FAMILIES)('on the %s upstream', (family) => {
      const model = EMBED_MODELS[family];
      const embedRequest = () => only((r) => r.provider === family && EMBED_PATH.test(r.path));

      it('openai SDK /v1/embeddings (base64 by default) returns the upstream vectors', async () => {
        const r = await openai().embeddings.create({ model: model.public, input: TEXTS });
        const rec = embedRequest();
        expect(embeddedTexts(rec)).toEqual(TEXTS);
        // The gateway asks upstream for floats and encodes base64 itself.
        if (family === 'openai') expect((rec.body as Json)['encoding_format'] ?? 'float').toBe('float');
        expect(r.model).toBe(model.public);
        expect(r.data.map((d) => d.index)).toEqual([0, 1]);
        expect(r.data.map((d) => d.embedding)).toEqual(await upstreamVectors(get().sim, rec));
        // Known failure on the Gemini upstream: Gemini reports no usage for embeddings and the
        // client is told prompt_tokens 0 rather than an estimate; see docs/translation-matrix.md.
        expect({ promptTokensReported: r.usage.prompt_tokens > 0 }).toEqual({ promptTokensReported: true });
      });

      it('Gemini embedContent returns the upstream vector', async () => {
        const res = await fetch(`${get().baseUrl}/v1beta/models/${model.public}:embedContent`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-goog-api-key': MATRIX_KEY },
          body: JSON.stringify({ content: { parts: [{ text: 'alpha' }] } }),
        });
        const body = (await res.json()) as { embedding?: { values?: number[] } };
        expect(res.status).toBe(200);
        // Embeddings list their tries like chat answers do.
        expect(res.headers.get('x-switchyard-attempts')).toMatch(/^provider=[^;]+;model=[^;]+;outcome=ok;/);
        const rec = embedRequest();
        expect(embeddedTexts(rec)).toEqual(family === 'openai' ? 'alpha' : ['alpha']);
        expect(body.embedding?.values).toEqual((await upstreamVectors(get().sim, rec))[0]);
      });

      it('Gemini batchEmbedContents (genai SDK) returns the upstream vectors', async () => {
        const r = await gemini().models.embedContent({ model: model.public, contents: TEXTS });
        const rec = embedRequest();
        expect(embeddedTexts(rec)).toEqual(TEXTS);
        expect(r.embeddings?.map((e) => e.values)).toEqual(await upstreamVectors(get().sim, rec));
      });
    });
  });

  describe('token counting', () => {
    describe.each(UPSTREAMS)('on the %s upstream', (family) => {
      const model = CHAT_MODELS[family].public;
      // OpenAI has no counting endpoint: the gateway estimates, says so, and calls no upstream.
      const script = () => {
        if (family !== 'openai') get().sim.script({ match: { provider: family, path: family === 'anthropic' ? 'count_tokens' : ':countTokens' }, usage: { input: 42, output: 0 } });
      };
      const checkUpstream = (headers: Headers | undefined, counted: number, text: string) => {
        if (family === 'openai') {
          expect(counted).toBeGreaterThan(0);
          expect(headers?.get('x-switchyard-token-count')).toBe('estimated');
          expect(get().sim.requests).toHaveLength(0);
          return;
        }
        expect(counted).toBe(42);
        expect(only((r) => r.provider === family && COUNT_PATH.test(r.path)).rawBody).toContain(text);
      };

      it('Anthropic SDK messages.countTokens', async () => {
        script();
        let last: Response | undefined;
        const capture: typeof fetch = async (input, init) => (last = await fetch(input, init));
        const r = await anthropic(capture).messages.countTokens({ model, system: 'Be brief.', messages: [{ role: 'user', content: 'Count these words please.' }] });
        checkUpstream(last?.headers, r.input_tokens, 'Count these words please.');
      });

      it('Gemini SDK models.countTokens', async () => {
        script();
        let last: Response | undefined;
        const capture: typeof fetch = async (input, init) => (last = await fetch(input, init));
        const r = await gemini(capture).models.countTokens({ model, contents: 'Count these words please.' });
        checkUpstream(last?.headers, r.totalTokens ?? 0, 'Count these words please.');
      });
    });
  });

  describe('model lists', () => {
    const publicNames = [...Object.values(CHAT_MODELS), ...Object.values(EMBED_MODELS)].map((m) => m.public).sort();

    it('openai SDK models.list', async () => {
      const page = await openai().models.list();
      expect(page.data.map((m) => m.id).sort()).toEqual(publicNames);
    });

    it('Anthropic SDK models.list', async () => {
      const page = await anthropic().models.list();
      expect(page.data.map((m) => m.id).sort()).toEqual(publicNames);
    });

    it('genai SDK models.list', async () => {
      const names: string[] = [];
      for await (const m of await gemini().models.list()) names.push(m.name ?? '');
      expect(names.sort()).toEqual(publicNames.map((n) => `models/${n}`));
    });
  });
}
