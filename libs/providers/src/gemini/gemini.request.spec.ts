import { ChatRequest, ContentPart, Dialect, ErrorKind, IrError, Message, Reasoning_Effort, ResponseFormat_Type, Role, ToolChoice_Mode } from '@switchyard/ir';
import { irFixtures } from '@switchyard/testing';
import { join } from 'node:path';
import type { UpstreamTarget } from '../core/provider-adapter.types';
import { PROVIDERS } from '../registry';
import { buildGeminiRequest } from './gemini.request';

const { readIrFixture, readJsonFixture } = irFixtures(join(__dirname, '__fixtures__'));

const GEMINI_3: UpstreamTarget = { baseUrl: 'https://generativelanguage.googleapis.com', apiKey: 'AIzaSy-upstream', upstreamModel: 'gemini-3-pro-preview', options: {} };
const GEMINI_25: UpstreamTarget = { ...GEMINI_3, upstreamModel: 'gemini-2.5-flash' };

function wire(request: ChatRequest, target: UpstreamTarget = GEMINI_25): Record<string, unknown> {
  return JSON.parse(PROVIDERS.gemini.buildRequest(request, target).body) as Record<string, unknown>;
}

function text(value: string, signature?: string): ContentPart {
  return { part: { $case: 'text', value: signature ? { text: value, signature } : { text: value, signature: '' } }, cacheControlJson: '' };
}

function user(...content: ContentPart[]): Message[] {
  return [{ role: Role.ROLE_USER, content, name: '' }];
}

const HI = user(text('Hi'));
const HI_CONTENTS = [{ role: 'user', parts: [{ text: 'Hi' }] }];

describe(buildGeminiRequest.name, () => {
  // agent-turn: an OpenAI-dialect client (named user, URL and base64 images, parallel tool
  // results split over text parts, strict tools, a named choice, a JSON schema, OpenAI extras)
  // sent to Gemini 3. streaming-chat: an Anthropic-dialect client (a thinking block with its
  // signature, top_k, a thinking budget, its own extras) streamed from Gemini 2.5.
  it.each<[string, UpstreamTarget, string, string[]]>([
    [
      'agent-turn',
      GEMINI_3,
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-3-pro-preview:generateContent',
      ['metadata', 'logit_bias', 'store', 'service_tier', 'messages.name', 'messages.content.image.detail', 'tools.strict', 'tool_choice.disable_parallel'],
    ],
    [
      'streaming-chat',
      GEMINI_25,
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
      ['metadata', 'service_tier', 'messages.content.reasoning'],
    ],
  ])('writes %s as the golden wire body', (name, target, url, dropped) => {
    const http = PROVIDERS.gemini.buildRequest(readIrFixture<ChatRequest>(`${name}.ir.json`), target);

    expect(JSON.parse(http.body)).toStrictEqual(readJsonFixture(`${name}.gemini.body.json`));
    expect({ url: http.url, headers: http.headers, dropped: http.dropped }).toStrictEqual({
      url,
      headers: { 'content-type': 'application/json', 'x-goog-api-key': 'AIzaSy-upstream' },
      dropped,
    });
  });

  it.each<[string, Partial<UpstreamTarget>, string]>([
    ['a trailing slash', { baseUrl: 'https://generativelanguage.googleapis.com/' }, 'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent'],
    ['options.apiVersion', { options: { apiVersion: 'v1' } }, 'https://generativelanguage.googleapis.com/v1/models/gemini-2.5-flash:generateContent'],
    ['a base URL that names the version', { baseUrl: 'http://gemini-proxy.internal:8080/v1beta/', options: { apiVersion: 'v1' } }, 'http://gemini-proxy.internal:8080/v1beta/models/gemini-2.5-flash:generateContent'],
    ['a tuned model resource', { upstreamModel: 'tunedModels/support-bot-7f2k' }, 'https://generativelanguage.googleapis.com/v1beta/tunedModels/support-bot-7f2k:generateContent'],
  ])('builds the URL with %s', (_what, change, url) => {
    expect(PROVIDERS.gemini.buildRequest({ model: 'm', messages: HI, system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }, { ...GEMINI_25, ...change }).url).toBe(url);
  });

  it('refuses an apiVersion option that is not a version', () => {
    expect(() => buildGeminiRequest({ model: 'm', messages: HI, system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }, { ...GEMINI_25, options: { apiVersion: 'beta' } })).toThrow('gemini: options.apiVersion "beta" is not an API version such as "v1beta" or "v1"');
  });

  it('merges Gemini extras: modelled fields win, configurations merge key by key, server-side tools join the declarations', () => {
    const extras = {
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }],
      cachedContent: 'cachedContents/a1b2c3',
      tools: [{ googleSearch: {} }],
      toolConfig: { retrievalConfig: { latLng: { latitude: 48.85, longitude: 2.35 } } },
      generationConfig: { responseModalities: ['TEXT'], temperature: 2, thinkingConfig: { includeThoughts: false } },
    };
    const request: ChatRequest = {
      model: 'm',
      messages: HI,
      tools: [{ name: 'ping', description: '', parametersJson: '', strict: false, cacheControlJson: '' }],
      toolChoice: { mode: ToolChoice_Mode.MODE_AUTO, name: '', disableParallel: false },
      sampling: { temperature: 0.4, stop: [] },
      reasoning: { budgetTokens: 2048, effort: Reasoning_Effort.EFFORT_UNSPECIFIED },
      extensions: { dialect: Dialect.DIALECT_GEMINI, json: JSON.stringify(extras) },
      system: [],
      stream: false,
      includeUsage: false,
      droppedParams: [],
    };

    const http = buildGeminiRequest(request, { ...GEMINI_25, passthrough: { allow: ['cachedContent', 'tools.googleSearch'] } });

    expect(JSON.parse(http.body)).toStrictEqual({
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }],
      cachedContent: 'cachedContents/a1b2c3',
      contents: HI_CONTENTS,
      tools: [{ functionDeclarations: [{ name: 'ping' }] }, { googleSearch: {} }],
      toolConfig: { retrievalConfig: { latLng: { latitude: 48.85, longitude: 2.35 } }, functionCallingConfig: { mode: 'AUTO' } },
      generationConfig: { responseModalities: ['TEXT'], temperature: 0.4, thinkingConfig: { thinkingBudget: 2048, includeThoughts: false } },
    });
    expect(http.dropped).toBeUndefined();
  });

  describe('passthrough policy', () => {
    const extras = (fields: Record<string, unknown>): ChatRequest => ({
      model: 'm',
      messages: HI,
      extensions: { dialect: Dialect.DIALECT_GEMINI, json: JSON.stringify(fields) },
      system: [],
      tools: [],
      stream: false,
      includeUsage: false,
      droppedParams: [],
    });
    const refusal = (request: ChatRequest, target: UpstreamTarget = GEMINI_25): IrError => {
      try {
        buildGeminiRequest(request, target);
      } catch (e) {
        if (e instanceof IrError) return e;
        throw e;
      }
      throw new Error('the request was built');
    };

    it('forwards safety settings and the nested configurations, drops labels, by default', () => {
      const http = buildGeminiRequest(extras({ safetySettings: [], labels: { team: 'x' }, generationConfig: { responseModalities: ['TEXT'] } }), GEMINI_25);

      expect(JSON.parse(http.body)).toStrictEqual({ safetySettings: [], contents: HI_CONTENTS, generationConfig: { responseModalities: ['TEXT'] } });
      expect(http.dropped).toStrictEqual(['labels']);
    });

    it.each([
      ['googleSearch', { tools: [{ googleSearch: {} }] }, 'tools.googleSearch'],
      ['urlContext', { tools: [{ urlContext: {} }] }, 'tools.urlContext'],
      ['a server-side tool no rule names', { tools: [{ someFutureTool: {} }] }, 'tools.someFutureTool'],
      ['cachedContent', { cachedContent: 'cachedContents/other-tenant' }, 'cachedContent'],
    ])('refuses %s by default, naming it', (_what, fields, param) => {
      expect(refusal(extras(fields))).toMatchObject({ kind: ErrorKind.ERROR_KIND_INVALID_REQUEST, param });
    });

    it('keeps the allowed server-side tools of one tools entry and drops the denied nested fields', () => {
      const target = { ...GEMINI_25, passthrough: { allow: ['tools.codeExecution'], deny: ['generationConfig.speechConfig'] } };
      const http = buildGeminiRequest(extras({ tools: [{ codeExecution: {} }], generationConfig: { speechConfig: {}, mediaResolution: 'MEDIA_RESOLUTION_LOW' } }), target);

      expect(JSON.parse(http.body)).toStrictEqual({ contents: HI_CONTENTS, tools: [{ codeExecution: {} }], generationConfig: { mediaResolution: 'MEDIA_RESOLUTION_LOW' } });
      expect(http.dropped).toStrictEqual(['generationConfig.speechConfig']);
    });

    it('refuses a server-side tool the operator denies even under tools.*', () => {
      const target = { ...GEMINI_25, passthrough: { allow: ['tools.*'], deny: ['tools.googleSearch'] } };

      expect(refusal(extras({ tools: [{ googleSearch: {} }] }), target).param).toBe('tools.googleSearch');
    });
  });

  it.each<[keyof typeof ToolChoice_Mode, string]>([
    ['MODE_AUTO', 'AUTO'],
    ['MODE_NONE', 'NONE'],
    ['MODE_REQUIRED', 'ANY'],
  ])('writes tool choice %s as functionCallingConfig mode %s', (mode, wireMode) => {
    const body = wire({ model: 'm', messages: HI, tools: [{ name: 'ping', description: '', parametersJson: '', strict: false, cacheControlJson: '' }], toolChoice: { mode: ToolChoice_Mode[mode], name: '', disableParallel: false }, system: [], stream: false, includeUsage: false, droppedParams: [] });

    expect(body['toolConfig']).toStrictEqual({ functionCallingConfig: { mode: wireMode } });
  });

  it('sends no toolConfig and lists nothing when there are no tools to choose from', () => {
    const http = buildGeminiRequest({ model: 'm', messages: HI, tools: [], toolChoice: { mode: ToolChoice_Mode.MODE_REQUIRED, disableParallel: true, name: '' }, system: [], stream: false, includeUsage: false, droppedParams: [] }, GEMINI_25);

    expect({ body: JSON.parse(http.body), dropped: http.dropped }).toStrictEqual({ body: { contents: HI_CONTENTS }, dropped: undefined });
  });

  it.each<[string, ChatRequest['reasoning'], UpstreamTarget, unknown]>([
    ['an effort on Gemini 3 as a thinking level', { effort: Reasoning_Effort.EFFORT_LOW }, GEMINI_3, { thinkingLevel: 'LOW', includeThoughts: true }],
    ['an effort on Gemini 2.5 as a budget', { effort: Reasoning_Effort.EFFORT_HIGH }, GEMINI_25, { thinkingBudget: 24576, includeThoughts: true }],
    ['an effort as a budget when the deployment says so', { effort: Reasoning_Effort.EFFORT_MINIMAL }, { ...GEMINI_3, upstreamModel: 'gemini-flash-latest', options: { thinking: 'budget' } }, { thinkingBudget: 512, includeThoughts: true }],
    ['a budget on Gemini 3 as a budget', { effort: Reasoning_Effort.EFFORT_MEDIUM, budgetTokens: 4096 }, GEMINI_3, { thinkingBudget: 4096, includeThoughts: true }],
    ['a zero budget as thinking off', { budgetTokens: 0, effort: Reasoning_Effort.EFFORT_UNSPECIFIED }, GEMINI_25, { thinkingBudget: 0 }],
    ['reasoning without a size as the model default, shown', { effort: Reasoning_Effort.EFFORT_UNSPECIFIED }, GEMINI_25, { includeThoughts: true }],
  ])('writes %s', (_what, reasoning, target, thinkingConfig) => {
    expect(wire({ model: 'm', messages: HI, reasoning, system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }, target)['generationConfig']).toStrictEqual({ thinkingConfig });
  });

  it('writes JSON mode, logprobs and several candidates into generationConfig', () => {
    const body = wire({ model: 'm', messages: HI, sampling: { n: 2, logprobs: true, topLogprobs: 3, stop: [] }, responseFormat: { type: ResponseFormat_Type.TYPE_JSON_OBJECT, schemaName: '', schemaJson: '', strict: false }, system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] });

    expect(body['generationConfig']).toStrictEqual({ candidateCount: 2, responseLogprobs: true, logprobs: 3, responseMimeType: 'application/json' });
  });

  it('replays signatures, keeps Gemini ids, leaves minted ids out and wraps results that are not JSON objects', () => {
    const request: ChatRequest = {
      model: 'm',
      messages: [
        ...user(text('Weather in Paris and Oslo, and ping the host?')),
        {
          role: Role.ROLE_ASSISTANT,
          content: [
            text('Checking.', 'Cs4BAdHtim9signatureOnText'),
            { part: { $case: 'toolCall', value: { id: 'call_sy_9XaTaPqDD5_0_0', name: 'get_weather', argumentsJson: '{"city":"Paris"}', signature: 'CiQB0e2Kb6TQ' } }, cacheControlJson: '' },
            { part: { $case: 'toolCall', value: { id: 'call_1_1', name: 'get_weather', argumentsJson: '{"city":"Oslo"}', signature: '' } }, cacheControlJson: '' },
            { part: { $case: 'toolCall', value: { id: 'x7kq2m9p', name: 'ping', argumentsJson: '', signature: '' } }, cacheControlJson: '' },
          ],
          name: '',
        },
        {
          role: Role.ROLE_TOOL,
          content: [
            { part: { $case: 'toolResult', value: { callId: 'call_sy_9XaTaPqDD5_0_0', content: [text('18°C, cloudy')], name: '', isError: false } }, cacheControlJson: '' },
            { part: { $case: 'toolResult', value: { callId: 'call_1_1', content: [text('[7, "rain"]')], name: '', isError: false } }, cacheControlJson: '' },
            { part: { $case: 'toolResult', value: { callId: 'x7kq2m9p', isError: true, content: [text('{"code":"ETIMEDOUT"}')], name: '' } }, cacheControlJson: '' },
          ],
          name: '',
        },
        ...user(text('Thanks!')),
      ],
      system: [],
      tools: [],
      stream: false,
      includeUsage: false,
      droppedParams: [],
    };

    expect(wire(request, GEMINI_3)['contents']).toStrictEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris and Oslo, and ping the host?' }] },
      {
        role: 'model',
        parts: [
          { text: 'Checking.', thoughtSignature: 'Cs4BAdHtim9signatureOnText' },
          { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'CiQB0e2Kb6TQ' },
          { functionCall: { name: 'get_weather', args: { city: 'Oslo' } } },
          { functionCall: { id: 'x7kq2m9p', name: 'ping', args: {} } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { output: '18°C, cloudy' } } },
          { functionResponse: { name: 'get_weather', response: { output: '[7, "rain"]' } } },
          { functionResponse: { id: 'x7kq2m9p', name: 'ping', response: { error: { code: 'ETIMEDOUT' } } } },
          { text: 'Thanks!' },
        ],
      },
    ]);
  });

  it('adds the documented stand-in signature to unsigned call steps for Gemini 3 only', () => {
    const messages: ChatRequest['messages'] = [
      ...user(text('Ping it')),
      { role: Role.ROLE_ASSISTANT, content: [{ part: { $case: 'toolCall', value: { id: 'toolu_01A', name: 'ping', argumentsJson: '{}', signature: '' } }, cacheControlJson: '' }], name: '' },
      { role: Role.ROLE_TOOL, content: [{ part: { $case: 'toolResult', value: { callId: 'toolu_01A', name: 'ping', content: [text('{"ok":true}')], isError: false } }, cacheControlJson: '' }], name: '' },
    ];
    const modelTurn = (target: UpstreamTarget) => (wire({ model: 'm', messages, system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }, target)['contents'] as unknown[])[1];

    expect(modelTurn(GEMINI_3)).toStrictEqual({ role: 'model', parts: [{ functionCall: { id: 'toolu_01A', name: 'ping', args: {} }, thoughtSignature: 'skip_thought_signature_validator' }] });
    expect(modelTurn(GEMINI_25)).toStrictEqual({ role: 'model', parts: [{ functionCall: { id: 'toolu_01A', name: 'ping', args: {} } }] });
  });

  it('sends the media of a tool result as functionResponse parts', () => {
    const messages: ChatRequest['messages'] = [
      ...user(text('Show me the chart')),
      { role: Role.ROLE_ASSISTANT, content: [{ part: { $case: 'toolCall', value: { id: 'fc_1', name: 'render_chart', argumentsJson: '{}', signature: '' } }, cacheControlJson: '' }], name: '' },
      {
        role: Role.ROLE_TOOL,
        content: [{ part: { $case: 'toolResult', value: { callId: 'fc_1', content: [text('Rendered.'), { part: { $case: 'image', value: { data: 'iVBORw0KGgo=', mediaType: 'image/png', url: '', detail: '' } }, cacheControlJson: '' }], name: '', isError: false } }, cacheControlJson: '' }],
        name: '',
      },
    ];

    expect((wire({ model: 'm', messages, system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] })['contents'] as unknown[])[2]).toStrictEqual({
      role: 'user',
      parts: [{ functionResponse: { id: 'fc_1', name: 'render_chart', response: { output: 'Rendered.' }, parts: [{ inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }] } }],
    });
  });

  it('writes audio, data-URL images, files and Files API references as blobs and URIs', () => {
    const request: ChatRequest = {
      model: 'm',
      messages: user(
        { part: { $case: 'audio', value: { data: 'UklGRiQAAABXQVZF', format: 'wav' } }, cacheControlJson: '' },
        { part: { $case: 'image', value: { url: 'data:image/webp;base64,UklGRlYAAABXRUJQ', data: '', mediaType: '', detail: '' } }, cacheControlJson: '' },
        { part: { $case: 'file', value: { data: 'JVBERi0xLjQK', filename: 'invoice.pdf', url: '', mediaType: '', fileId: '' } }, cacheControlJson: '' },
        { part: { $case: 'file', value: { url: 'gs://acme-docs/contract.pdf?generation=3', data: '', mediaType: '', filename: '', fileId: '' } }, cacheControlJson: '' },
        { part: { $case: 'file', value: { fileId: 'files/abc-123', mediaType: 'video/mp4', data: '', url: '', filename: '' } }, cacheControlJson: '' },
      ),
      system: [],
      tools: [],
      stream: false,
      includeUsage: false,
      droppedParams: [],
    };

    const http = buildGeminiRequest(request, GEMINI_25);

    expect(JSON.parse(http.body)['contents']).toStrictEqual([
      {
        role: 'user',
        parts: [
          { inlineData: { mimeType: 'audio/wav', data: 'UklGRiQAAABXQVZF' } },
          { inlineData: { mimeType: 'image/webp', data: 'UklGRlYAAABXRUJQ' } },
          { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0xLjQK' } },
          { fileData: { mimeType: 'application/pdf', fileUri: 'gs://acme-docs/contract.pdf?generation=3' } },
          { fileData: { mimeType: 'video/mp4', fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc-123' } },
        ],
      },
    ]);
    expect(http.dropped).toStrictEqual(['messages.content.file.filename']);
  });

  it.each<[string, ChatRequest, string, string]>([
    [
      'an image URL of unknown type',
      { model: 'm', messages: user({ part: { $case: 'image', value: { url: 'https://cdn.example.com/render?id=42', data: '', mediaType: '', detail: '' } }, cacheControlJson: '' }), system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] },
      'messages[0].content[0].image.url: Gemini needs the media type of an image URL; give one (or a URL or file name ending in a known extension such as .png, .jpg or .pdf)',
      'messages[0].content[0].image.url',
    ],
    [
      'an OpenAI file id',
      { model: 'm', messages: user({ part: { $case: 'file', value: { fileId: 'file-6F2ksmvXxt4VdoqmHRw6kL', data: '', url: '', mediaType: '', filename: '' } }, cacheControlJson: '' }), system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] },
      'messages[0].content[0].file.file_id: "file-6F2ksmvXxt4VdoqmHRw6kL" is not a Gemini Files API name (files/…)',
      'messages[0].content[0].file.file_id',
    ],
    ['a non-text system part', { model: 'm', system: [{ part: { $case: 'image', value: { url: 'https://example.com/a.png', data: '', mediaType: '', detail: '' } }, cacheControlJson: '' }], messages: HI, tools: [], stream: false, includeUsage: false, droppedParams: [] }, 'system[0]: Gemini system instructions take text only', 'system[0]'],
    [
      'a tool call in a user message',
      { model: 'm', messages: user({ part: { $case: 'toolCall', value: { id: 'c1', name: 'f', argumentsJson: '', signature: '' } }, cacheControlJson: '' }), system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] },
      'messages[0].content[0]: only assistant messages can carry tool calls',
      'messages[0].content[0]',
    ],
    [
      'tool call arguments that are not a JSON object',
      { model: 'm', messages: [{ role: Role.ROLE_ASSISTANT, content: [{ part: { $case: 'toolCall', value: { id: 'c1', name: 'f', argumentsJson: '["a"]', signature: '' } }, cacheControlJson: '' }], name: '' }], system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] },
      'messages[0].content[0].tool_call.arguments: Gemini takes tool call arguments as a JSON object',
      'messages[0].content[0].tool_call.arguments',
    ],
    [
      'a tool result whose call is unknown',
      { model: 'm', messages: [{ role: Role.ROLE_TOOL, content: [{ part: { $case: 'toolResult', value: { callId: 'call_404', content: [text('ok')], name: '', isError: false } }, cacheControlJson: '' }], name: '' }], system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] },
      'messages[0].content[0].tool_result: Gemini needs the function name of a tool result, and no earlier tool call has id "call_404"',
      'messages[0].content[0].tool_result.call_id',
    ],
    ['a message without a role', { model: 'm', messages: [{ content: [text('Hi')], role: Role.ROLE_UNSPECIFIED, name: '' }], system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }, 'messages[0]: message role is missing', 'messages[0].role'],
    ['a conversation with nothing to send', { model: 'm', messages: [{ role: Role.ROLE_ASSISTANT, content: [{ part: { $case: 'reasoning', value: { text: 'hmm', signature: '', redactedData: '' } }, cacheControlJson: '' }], name: '' }], system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }, 'messages: Gemini needs at least one message with content', 'messages'],
  ])('rejects %s as an invalid request naming the field', (_what, request, message, param) => {
    const build = () => buildGeminiRequest(request, GEMINI_25);

    expect(build).toThrow(IrError);
    expect(build).toThrow(expect.objectContaining({ kind: ErrorKind.ERROR_KIND_INVALID_REQUEST, message, param }));
  });
});
