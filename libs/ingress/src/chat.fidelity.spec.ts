import { FinishReason } from '@switchyard/ir';
import type { AdmitResponse, AuthPort, StartEvent, UsageSink } from '@switchyard/ir';
import { ScriptedRouter, pipelineOf, serveThrough } from './chat-pipeline.harness';

// Issue 17, fidelity, at the ingress: the client's allowlisted vendor headers travel on the IR
// request to the router (the provider decides whether they go out), and an answer from an
// upstream of the client's own family keeps the upstream's response id.

const ADMITTED: AdmitResponse = { admitted: true, principal: { tenantId: 'acme', keyId: 'k1', models: [], region: '', allowedRegions: [], tenantModels: [], captureContent: false, corsOrigins: [] }, ticket: { requestId: 'r1', leaseMs: 0, scopes: [], reservedTokens: 0, reservedUsd: 0, atMs: 0 }, maxOutputTokens: 0 };
const auth: AuthPort = { admit: async () => ADMITTED, settle: async () => undefined, heartbeat: async () => undefined };
const usage: UsageSink = { publish: () => undefined };

function startOf(upstreamFamily: string, id: string, cacheHit = false): StartEvent {
  return { id, model: 'm', providerId: 'p', deploymentId: 'd', upstreamModel: 'u', attempts: 1, droppedParams: [], cacheHit, attemptLog: [], upstreamFamily };
}

/** A router that answers every chat with `start`, a text and a stop, and keeps what it was asked. */
function routerOf(start: StartEvent): ScriptedRouter {
  return new ScriptedRouter([
    { event: { $case: 'start', value: start } },
    { event: { $case: 'textDelta', value: { text: 'Hi', choice: 0, logprobsJson: '', signature: '' } } },
    { event: { $case: 'stop', value: { reason: FinishReason.FINISH_REASON_STOP, rawReason: '', choice: 0, stopSequence: '' } } },
  ]);
}

const MESSAGES = '{"model":"m","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}';
const CHAT = '{"model":"m","messages":[{"role":"user","content":"hi"}]}';
const GEMINI = '{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}';

describe('ingress fidelity on a same-family route', () => {
  it("puts an Anthropic client's anthropic-beta and anthropic-version on the request, and nothing else of its headers", async () => {
    const router = routerOf(startOf('anthropic', 'msg_01XFDUDYJgAACzvnptvVoYEL'));

    await serveThrough(pipelineOf(auth, router, usage), '/v1/messages', MESSAGES, {
      'x-api-key': 'sk-sy-tenant',
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'context-management-2025-06-27',
      'openai-beta': 'assistants=v2',
    });

    expect(router.asked[0]?.vendorHeaders).toStrictEqual({
      headers: [
        { name: 'anthropic-beta', value: 'context-management-2025-06-27' },
        { name: 'anthropic-version', value: '2023-06-01' },
      ],
    });
  });

  it('sends no vendor headers when the client sent none of its dialect', async () => {
    const router = routerOf(startOf('openai', 'chatcmpl-up'));

    await serveThrough(pipelineOf(auth, router, usage), '/v1/chat/completions', CHAT, { authorization: 'Bearer sk-sy-tenant', 'anthropic-beta': 'x' });

    expect(router.asked[0]?.vendorHeaders).toBeUndefined();
  });

  it.each([
    ['/v1/messages', MESSAGES, 'anthropic', 'msg_01XFDUDYJgAACzvnptvVoYEL', 'id'],
    ['/v1/chat/completions', CHAT, 'openai', 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT', 'id'],
    ['/v1beta/models/m:generateContent', GEMINI, 'gemini', 'mVSnaOOpFYqKz7IPjdrn8A0', 'responseId'],
  ])('%s answered by a %s upstream keeps its id %s', async (url, body, family, id, field) => {
    const answer = await serveThrough(pipelineOf(auth, routerOf(startOf(family, id)), usage), url, body, { authorization: 'Bearer sk-sy-tenant', 'x-goog-api-key': 'sk-sy-tenant' });

    expect(answer.status).toBe(200);
    expect(answer.body[field]).toBe(id);
  });

  it.each([
    ['/v1/messages', MESSAGES, 'openai', 'msg_r1', 'id'],
    ['/v1/chat/completions', CHAT, 'anthropic', 'chatcmpl-r1', 'id'],
    ['/v1beta/models/m:generateContent', GEMINI, 'openai', 'r1', 'responseId'],
  ])("%s answered by a %s upstream (another family) gets the gateway's id", async (url, body, family, ours, field) => {
    const answer = await serveThrough(pipelineOf(auth, routerOf(startOf(family, 'foreign-id')), usage), url, body, { authorization: 'Bearer sk-sy-tenant', 'x-goog-api-key': 'sk-sy-tenant' });

    expect(answer.body[field]).toBe(ours);
  });

  it("gives a cached answer the gateway's id: the upstream's belonged to another request", async () => {
    const answer = await serveThrough(pipelineOf(auth, routerOf(startOf('anthropic', 'msg_earlier', true)), usage), '/v1/messages', MESSAGES, { 'x-api-key': 'sk-sy-tenant' });

    expect(answer.body['id']).toBe('msg_r1');
  });
});
