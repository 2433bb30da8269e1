import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { parseOpenAiChatRequest } from '@switchyard/dialects';
import { FinishReason, type FoldedResponse, ResponseFolder, type ResponseEvent } from '@switchyard/ir';
import { CONTENT_CAPTURE_MAX_CHARS, TRUNCATED_MARKER, contentEventAttributes, recordContent } from './content-capture';

const chat = (messages: unknown[], extra: Record<string, unknown> = {}) => parseOpenAiChatRequest({ model: 'gpt-test', messages, ...extra });

function fold(events: ResponseEvent['event'][]): FoldedResponse {
  const folder = new ResponseFolder();
  for (const event of events) folder.add({ event });
  return folder.value;
}

const start = (upstreamModel = 'sim-model'): ResponseEvent['event'] => ({
  $case: 'start',
  value: { id: 'r', model: 'gpt-test', providerId: 'sim', deploymentId: 'd', upstreamModel, attempts: 1, droppedParams: [], cacheHit: false, attemptLog: [] },
});
const text = (t: string): ResponseEvent['event'] => ({ $case: 'textDelta', value: { text: t, choice: 0, logprobsJson: '', signature: '' } });
const stop = (reason = FinishReason.FINISH_REASON_STOP): ResponseEvent['event'] => ({ $case: 'stop', value: { reason, rawReason: '', choice: 0, stopSequence: '' } });

const json = (value: unknown) => JSON.parse(String(value)) as unknown;

describe('content capture (GenAI conventions message JSON)', () => {
  it('maps system instructions, a tool round trip and the answer to the conventions’ shapes', () => {
    const request = chat([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'rainy, 14°C' },
    ]);

    const attributes = contentEventAttributes(request, fold([start(), text('Rainy, '), text('14°C.'), stop()]));

    expect(json(attributes['gen_ai.system_instructions'])).toEqual([{ type: 'text', content: 'Be brief.' }]);
    expect(json(attributes['gen_ai.input.messages'])).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: 'rainy, 14°C' }] },
    ]);
    expect(json(attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Rainy, 14°C.' }], finish_reason: 'stop' }]);
    expect(attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-test', 'gen_ai.response.model': 'sim-model' });
    expect(attributes['switchyard.content.truncated']).toBeUndefined();
  });

  it('reports a tool call answer with the output schema’s finish reason, and no system instructions when there are none', () => {
    const answer = fold([
      start(),
      { $case: 'toolCallDelta', value: { index: 0, id: 'call_9', name: 'lookup', argumentsDelta: '{"q":', choice: 0, signature: '' } },
      { $case: 'toolCallDelta', value: { index: 0, id: '', name: '', argumentsDelta: '"x"}', choice: 0, signature: '' } },
      stop(FinishReason.FINISH_REASON_TOOL_CALLS),
    ]);

    const attributes = contentEventAttributes(chat([{ role: 'user', content: 'find x' }]), answer);

    expect(attributes['gen_ai.system_instructions']).toBeUndefined();
    expect(json(attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'tool_call', id: 'call_9', name: 'lookup', arguments: { q: 'x' } }], finish_reason: 'tool_call' }]);
  });

  it('records where an image is, never its inline bytes', () => {
    const pixel = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    const request = chat([{ role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: pixel } }, { type: 'image_url', image_url: { url: 'https://example.test/cat.png' } }] }]);

    const input = String(contentEventAttributes(request, fold([start(), stop()]))['gen_ai.input.messages']);

    expect(input).not.toContain('iVBORw0KGgo');
    expect(json(input)).toEqual([
      {
        role: 'user',
        parts: [
          { type: 'text', content: 'what is this?' },
          { type: 'blob', modality: 'image', mime_type: 'image/png', content: '' },
          { type: 'uri', modality: 'image', mime_type: null, uri: 'https://example.test/cat.png' },
        ],
      },
    ]);
  });

  it('cuts text at the documented cap with a marker, drops what follows, and says so', () => {
    const long = 'x'.repeat(CONTENT_CAPTURE_MAX_CHARS * 2);
    const request = chat([
      { role: 'user', content: long },
      { role: 'user', content: 'after the cap' },
    ]);

    const attributes = contentEventAttributes(request, fold([start(), text('short answer'), stop()]));

    const input = json(attributes['gen_ai.input.messages']) as { parts: { content: string }[] }[];
    expect(input).toHaveLength(1);
    const content = input[0]?.parts[0]?.content ?? '';
    expect(content.endsWith(TRUNCATED_MARKER)).toBe(true);
    expect(content.length).toBeLessThanOrEqual(CONTENT_CAPTURE_MAX_CHARS + TRUNCATED_MARKER.length);
    expect(String(attributes['gen_ai.input.messages'])).not.toContain('after the cap');
    // The output has a cap of its own: a long prompt does not push the answer out.
    expect(json(attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'short answer' }], finish_reason: 'stop' }]);
    expect(attributes['switchyard.content.truncated']).toBe(true);
  });

  it('bounds a prompt of many empty messages too', () => {
    const request = chat(Array.from({ length: 20_000 }, () => ({ role: 'user', content: '' })));

    const attributes = contentEventAttributes(request, fold([start(), stop()]));

    expect((json(attributes['gen_ai.input.messages']) as unknown[]).length).toBeLessThan(2_000);
    expect(attributes['switchyard.content.truncated']).toBe(true);
  });

  it('marks an answer that failed before it stopped as an error', () => {
    const failed = fold([start(), text('par'), { $case: 'error', value: { kind: 11, providerStatus: 503, message: 'gone', retryable: true, retryAfterMs: 0, param: '', attemptLog: [] } }]);

    expect(json(contentEventAttributes(chat([{ role: 'user', content: 'hi' }]), failed)['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'par' }], finish_reason: 'error' }]);
  });

  it('adds one gen_ai.client.inference.operation.details event to the span', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    const span = provider.getTracer('test').startSpan('POST /v1/chat/completions');

    recordContent(span, chat([{ role: 'user', content: 'hello' }]), fold([start(), text('hi there'), stop()]));
    span.end();

    const [finished] = exporter.getFinishedSpans();
    expect(finished?.events.map((e) => e.name)).toEqual(['gen_ai.client.inference.operation.details']);
    expect(json(finished?.events[0]?.attributes?.['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'hi there' }], finish_reason: 'stop' }]);
    await provider.shutdown();
  });
});
