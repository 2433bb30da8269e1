import { ChatRequest, IrError, Reasoning_Effort, ResponseFormat_Type, Role, ToolChoice_Mode } from '@switchyard/ir';
import { FUZZ_SEED, irFixtures, toIrJson } from '@switchyard/testing';
import fc from 'fast-check';
import { join } from 'node:path';
import { parseGeminiChatRequest, parseGeminiCountTokens } from './gemini-chat.parse';

const { readJsonFixture } = irFixtures(join(__dirname, '__fixtures__'));

const PATH = { model: 'gemini-2.5-flash', stream: false };

function rejection(parse: () => unknown): IrError {
  try {
    parse();
  } catch (e) {
    if (e instanceof IrError) return e;
    throw e;
  }
  throw new Error('the body was accepted');
}

function rejected(body: unknown): { message: string; param: string | undefined } {
  const e = rejection(() => parseGeminiChatRequest(body, PATH));
  return { message: e.message, param: e.param };
}

function parse(body: Record<string, unknown>): ChatRequest {
  return parseGeminiChatRequest({ contents: [{ parts: [{ text: 'Hi' }] }], ...body }, PATH);
}

const USER_HI = { role: 'user', parts: [{ text: 'Hi' }] };

describe(parseGeminiChatRequest.name, () => {
  it('parses the golden agent turn (image, thoughts, id-less calls answered out of order, PDF, schemas, extensions)', () => {
    const ir = parseGeminiChatRequest(readJsonFixture('agent-turn.request.json'), PATH);

    expect(toIrJson(ir)).toStrictEqual(readJsonFixture('agent-turn.ir.json'));
  });

  it('reads the snake_case spelling of the REST docs the same as the camelCase one', () => {
    const snake = parseGeminiChatRequest(readJsonFixture('agent-turn.snake-case.request.json'), PATH);

    expect(toIrJson(snake)).toStrictEqual(readJsonFixture('agent-turn.ir.json'));
  });

  it('takes the model and streaming from the URL and gives a minimal body no tools and no extensions', () => {
    const ir = parseGeminiChatRequest({ contents: [{ parts: [{ text: 'Hi' }] }] }, { model: 'models/gemini-2.5-pro', stream: true });

    expect(toIrJson(ir)).toStrictEqual({
      model: 'gemini-2.5-pro',
      system: [],
      messages: [{ role: 'ROLE_USER', content: [{ part: { $case: 'text', value: { text: 'Hi', signature: '' } }, cacheControlJson: '' }], name: '' }],
      tools: [],
      sampling: { stop: [] },
      stream: true,
      includeUsage: true,
      meta: { dialect: 'DIALECT_GEMINI', requestId: '', tenantId: '', keyId: '', endUserId: '', region: '', cacheMode: '', allowedRegions: [], clientRequestId: '' },
      droppedParams: [],
    });
  });

  it('refuses a URL without a model', () => {
    const e = rejection(() => parseGeminiChatRequest({ contents: [USER_HI] }, {}));

    expect([e.message, e.param]).toStrictEqual(['model: the URL names no model (expected /v1beta/models/{model}:generateContent)', 'model']);
  });

  describe('function call ids', () => {
    it('pairs id-less responses with calls of the same name in order, across parallel calls to one function', () => {
      const ir = parse({
        contents: [
          USER_HI,
          {
            role: 'model',
            parts: [
              { functionCall: { name: 'get_weather', args: { city: 'Paris' } } },
              { functionCall: { name: 'get_weather', args: { city: 'Oslo' } } },
              { functionCall: { name: 'get_time', id: 'fc_given' } },
            ],
          },
          {
            role: 'user',
            parts: [
              { functionResponse: { name: 'get_time', response: { output: '14:05' } } },
              { functionResponse: { name: 'get_weather', response: { output: 'rain' } } },
              { functionResponse: { name: 'get_weather', response: { error: 'no station' } } },
            ],
          },
        ],
      });

      const calls = ir.messages?.[1]?.content?.map((c) => (c.part?.$case === 'toolCall' ? [c.part.value.id, c.part.value.argumentsJson] : undefined));
      const results = ir.messages?.[2]?.content?.map((c) => (c.part?.$case === 'toolResult' ? [c.part.value.callId, c.part.value.isError] : undefined));
      expect(calls).toStrictEqual([
        ['call_1_0', '{"city":"Paris"}'],
        ['call_1_1', '{"city":"Oslo"}'],
        ['fc_given', '{}'],
      ]);
      expect(results).toStrictEqual([
        ['fc_given', false],
        ['call_1_0', false],
        ['call_1_1', true],
      ]);
      expect(ir.messages?.[2]?.role).toBe(Role.ROLE_TOOL);
    });

    it('keeps the ids a client sends back on both sides', () => {
      const ir = parse({
        contents: [
          USER_HI,
          { role: 'model', parts: [{ functionCall: { name: 'f', id: 'call_abc', args: {} } }] },
          { role: 'user', parts: [{ functionResponse: { name: 'f', id: 'call_abc', response: {} } }, { text: 'and then?' }] },
        ],
      });

      expect(toIrJson(ir.messages?.slice(2))).toStrictEqual([
        { role: 'ROLE_TOOL', content: [{ part: { $case: 'toolResult', value: { callId: 'call_abc', name: 'f', content: [{ part: { $case: 'text', value: { text: '{}', signature: '' } }, cacheControlJson: '' }], isError: false } }, cacheControlJson: '' }], name: '' },
        { role: 'ROLE_USER', content: [{ part: { $case: 'text', value: { text: 'and then?', signature: '' } }, cacheControlJson: '' }], name: '' },
      ]);
    });
  });

  it("joins the SDK chat's one-content-per-chunk history into one assistant turn, signatures kept", () => {
    const ir = parse({
      contents: [
        USER_HI,
        { role: 'model', parts: [{ text: 'Weighing ', thought: true }] },
        { role: 'model', parts: [{ text: 'options.', thought: true }] },
        { role: 'model', parts: [{ text: 'Hello' }] },
        { role: 'model', parts: [{ text: ' there.' }] },
        { role: 'model', parts: [{ text: '', thoughtSignature: 'sig-text' }] },
        { role: 'model', parts: [{ functionCall: { name: 'f', args: { a: 1 } }, thoughtSignature: 'sig-call' }] },
        { role: 'model', parts: [{ text: '' }] },
      ],
    });

    expect(ir.messages).toHaveLength(2);
    expect(toIrJson(ir.messages?.[1])).toStrictEqual({
      role: 'ROLE_ASSISTANT',
      content: [
        { part: { $case: 'reasoning', value: { text: 'Weighing options.', signature: '', redactedData: '' } }, cacheControlJson: '' },
        { part: { $case: 'text', value: { text: 'Hello there.', signature: 'sig-text' } }, cacheControlJson: '' },
        { part: { $case: 'toolCall', value: { id: 'call_6_0', name: 'f', argumentsJson: '{"a":1}', signature: 'sig-call' } }, cacheControlJson: '' },
      ],
      name: '',
    });
  });

  it('maps inline and file media by MIME type', () => {
    const ir = parse({
      contents: [
        {
          parts: [
            { inlineData: { mimeType: 'audio/mpeg', data: 'SUQz' } },
            { inlineData: { mimeType: 'audio/wav', data: 'UklG' } },
            { inlineData: { mimeType: 'text/csv', data: 'YSxi', displayName: 'rows.csv' } },
            { fileData: { mimeType: 'image/jpeg', fileUri: 'gs://bucket/cat.jpg' } },
            { fileData: { fileUri: 'https://www.youtube.com/watch?v=9hE5-98ZeCg' } },
          ],
        },
      ],
    });

    expect(toIrJson(ir.messages?.[0]?.content)).toStrictEqual([
      { part: { $case: 'audio', value: { data: 'SUQz', format: 'mp3' } }, cacheControlJson: '' },
      { part: { $case: 'audio', value: { data: 'UklG', format: 'wav' } }, cacheControlJson: '' },
      { part: { $case: 'file', value: { data: 'YSxi', mediaType: 'text/csv', filename: 'rows.csv', url: '', fileId: '' } }, cacheControlJson: '' },
      { part: { $case: 'image', value: { url: 'gs://bucket/cat.jpg', mediaType: 'image/jpeg', detail: '', data: '' } }, cacheControlJson: '' },
      { part: { $case: 'file', value: { url: 'https://www.youtube.com/watch?v=9hE5-98ZeCg', mediaType: '', filename: '', data: '', fileId: '' } }, cacheControlJson: '' },
    ]);
  });

  it('adds the media parts of a function response to its result', () => {
    const ir = parse({
      contents: [
        USER_HI,
        { role: 'model', parts: [{ functionCall: { name: 'snapshot' } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'snapshot', response: { output: 'attached' }, parts: [{ inlineData: { mimeType: 'image/png', data: 'iVBO' } }] } }] },
      ],
    });

    expect(toIrJson(ir.messages?.[2]?.content?.[0])).toStrictEqual({
      part: {
        $case: 'toolResult',
        value: {
          callId: 'call_1_0',
          name: 'snapshot',
          content: [{ part: { $case: 'text', value: { text: '{"output":"attached"}', signature: '' } }, cacheControlJson: '' }, { part: { $case: 'image', value: { data: 'iVBO', mediaType: 'image/png', detail: '', url: '' } }, cacheControlJson: '' }],
          isError: false,
        },
      },
      cacheControlJson: '',
    });
  });

  describe('tool config', () => {
    const tools = [{ functionDeclarations: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] }];

    it.each([
      [{ mode: 'AUTO' }, { mode: ToolChoice_Mode.MODE_AUTO, name: '', disableParallel: false }, ['a', 'b', 'c']],
      [{ mode: 'NONE' }, { mode: ToolChoice_Mode.MODE_NONE, name: '', disableParallel: false }, ['a', 'b', 'c']],
      [{ mode: 'ANY' }, { mode: ToolChoice_Mode.MODE_REQUIRED, name: '', disableParallel: false }, ['a', 'b', 'c']],
      [{ mode: 'ANY', allowedFunctionNames: ['b'] }, { mode: ToolChoice_Mode.MODE_NAMED, name: 'b', disableParallel: false }, ['a', 'b', 'c']],
      [{ mode: 'ANY', allowedFunctionNames: ['a', 'c'] }, { mode: ToolChoice_Mode.MODE_REQUIRED, name: '', disableParallel: false }, ['a', 'c']],
      [{ mode: 'VALIDATED', allowedFunctionNames: ['c'] }, { mode: ToolChoice_Mode.MODE_AUTO, name: '', disableParallel: false }, ['c']],
    ])('maps functionCallingConfig %j to %j over tools %j', (config, choice, names) => {
      const ir = parse({ tools, toolConfig: { functionCallingConfig: config } });

      expect(ir.toolChoice).toStrictEqual(choice);
      expect(ir.tools?.map((t) => t.name)).toStrictEqual(names);
    });

    it('lists VALIDATED as dropped, since it becomes AUTO', () => {
      expect(parse({ tools, toolConfig: { functionCallingConfig: { mode: 'VALIDATED' } } }).droppedParams).toStrictEqual(['toolConfig.functionCallingConfig.mode']);
    });

    it.each([
      [{ mode: 'ANY', allowedFunctionNames: ['d'] }, 'toolConfig.functionCallingConfig.allowedFunctionNames[0]: no function named "d" is declared in tools'],
      [{ mode: 'AUTO', allowedFunctionNames: ['a'] }, 'toolConfig.functionCallingConfig.allowedFunctionNames: only allowed with mode ANY or VALIDATED'],
      [{ mode: 'SOMETIMES' }, 'toolConfig.functionCallingConfig.mode: unknown value "SOMETIMES"'],
    ])('refuses %j', (config, message) => {
      expect(rejected({ contents: [USER_HI], tools, toolConfig: { functionCallingConfig: config } }).message).toBe(message);
    });
  });

  describe('generation config', () => {
    it.each([
      [{ responseMimeType: 'application/json' }, { type: ResponseFormat_Type.TYPE_JSON_OBJECT, schemaName: '', schemaJson: '', strict: false }],
      [{ responseMimeType: 'text/plain' }, { type: ResponseFormat_Type.TYPE_TEXT, schemaName: '', schemaJson: '', strict: false }],
      [
        { responseMimeType: 'application/json', responseJsonSchema: { type: 'object', properties: { ok: { type: 'boolean' } } } },
        { type: ResponseFormat_Type.TYPE_JSON_SCHEMA, schemaName: 'response', schemaJson: '{"type":"object","properties":{"ok":{"type":"boolean"}}}', strict: false },
      ],
    ])('maps %j to the response format %j', (config, format) => {
      expect(parse({ generationConfig: config }).responseFormat).toStrictEqual(format);
    });

    it('sends text/x.enum output to a Gemini upstream only, through extensions', () => {
      const schema = { type: 'STRING', enum: ['yes', 'no'] };
      const ir = parse({ generationConfig: { responseMimeType: 'text/x.enum', responseSchema: schema, responseModalities: ['TEXT'] } });

      expect(ir.responseFormat).toBeUndefined();
      expect(JSON.parse(ir.extensions?.json ?? '')).toStrictEqual({ generationConfig: { responseModalities: ['TEXT'], responseMimeType: 'text/x.enum', responseSchema: schema } });
    });

    it.each([
      [{ thinkingBudget: 0 }, { effort: Reasoning_Effort.EFFORT_UNSPECIFIED, budgetTokens: 0 }],
      [{ thinkingBudget: -1 }, { effort: Reasoning_Effort.EFFORT_UNSPECIFIED }],
      [{ thinkingLevel: 'LOW' }, { effort: Reasoning_Effort.EFFORT_LOW }],
      [{ thinkingLevel: 'HIGH', includeThoughts: true }, { effort: Reasoning_Effort.EFFORT_HIGH }],
      [{ includeThoughts: true }, { effort: Reasoning_Effort.EFFORT_UNSPECIFIED }],
      [{ includeThoughts: false }, undefined],
    ])('maps thinkingConfig %j to reasoning %j', (thinkingConfig, reasoning) => {
      expect(parse({ generationConfig: { thinkingConfig } }).reasoning).toStrictEqual(reasoning);
    });

    it('maps candidateCount, penalties and logprobs into sampling', () => {
      const ir = parse({ generationConfig: { candidateCount: 2, presencePenalty: 0.5, frequencyPenalty: -0.5, responseLogprobs: true, logprobs: 3 } });

      expect(ir.sampling).toStrictEqual({
        maxTokens: undefined,
        temperature: undefined,
        topP: undefined,
        topK: undefined,
        stop: [],
        seed: undefined,
        presencePenalty: 0.5,
        frequencyPenalty: -0.5,
        n: 2,
        logprobs: true,
        topLogprobs: 3,
      });
    });
  });

  it('rewrites OpenAPI-subset schemas to JSON Schema, nested items and anyOf included', () => {
    const ir = parse({
      tools: [
        {
          functionDeclarations: [
            {
              name: 'plan',
              parameters: {
                type: 'OBJECT',
                properties: {
                  stops: { type: 'ARRAY', minItems: '1', items: { type: 'OBJECT', properties: { at: { type: 'STRING', format: 'date-time', example: '2025-08-06T10:00:00Z' } } } },
                  budget: { anyOf: [{ type: 'NUMBER' }, { type: 'STRING' }], nullable: true },
                  note: { type: 'TYPE_UNSPECIFIED', nullable: true },
                },
              },
            },
          ],
        },
      ],
    });

    expect(JSON.parse(ir.tools?.[0]?.parametersJson)).toStrictEqual({
      type: 'object',
      properties: {
        stops: { type: 'array', minItems: 1, items: { type: 'object', properties: { at: { type: 'string', format: 'date-time', examples: ['2025-08-06T10:00:00Z'] } } } },
        budget: { anyOf: [{ type: 'number' }, { type: 'string' }, { type: 'null' }] },
        note: {},
      },
    });
  });

  it('lists harmless Gemini-only part and declaration fields as dropped', () => {
    const ir = parse({
      contents: [
        { parts: [{ inlineData: { mimeType: 'image/png', data: 'iVBO' }, mediaResolution: { level: 'MEDIA_RESOLUTION_LOW' }, thoughtSignature: 'x' }] },
        { role: 'model', parts: [{ functionCall: { name: 'f' } }] },
        { parts: [{ functionResponse: { name: 'f', response: {}, willContinue: false } }] },
      ],
      tools: [{ functionDeclarations: [{ name: 'f', behavior: 'NON_BLOCKING', response: { type: 'STRING' } }] }],
    });

    expect(ir.droppedParams).toStrictEqual([
      'contents[0].parts[0].mediaResolution',
      'contents[0].parts[0].thoughtSignature',
      'contents[2].parts[0].functionResponse.willContinue',
      'tools[0].functionDeclarations[0].behavior',
      'tools[0].functionDeclarations[0].response',
    ]);
  });

  describe('refuses what it cannot carry, naming the field', () => {
    it.each([
      ['a body that is not an object', [], 'body: expected an object', 'body'],
      ['no contents', {}, 'contents: expected an array', 'contents'],
      ['empty contents', { contents: [] }, 'contents: must contain at least one content', 'contents'],
      ['an unknown role', { contents: [{ role: 'system', parts: [{ text: 'x' }] }] }, 'contents[0].role: must be "user" or "model", got "system"', 'contents[0].role'],
      ['empty parts', { contents: [{ role: 'user', parts: [] }] }, 'contents[0].parts: must contain at least one part', 'contents[0].parts'],
      ['a part with no data', { contents: [{ parts: [{}] }] }, 'contents[0].parts[0]: expected one of text, inlineData, fileData, functionCall or functionResponse', 'contents[0].parts[0]'],
      [
        'a part with two kinds of data',
        { contents: [{ parts: [{ text: 'x', inlineData: { mimeType: 'image/png', data: '' } }] }] },
        'contents[0].parts[0]: a part holds exactly one of text, inlineData, fileData, functionCall or functionResponse, got text and inlineData',
        'contents[0].parts[0]',
      ],
      ['a text that is not a string', { contents: [{ parts: [{ text: 42 }] }] }, 'contents[0].parts[0].text: expected a string', 'contents[0].parts[0].text'],
      [
        'a function call without a name',
        { contents: [USER_HI, { role: 'model', parts: [{ functionCall: { args: {} } }] }] },
        'contents[1].parts[0].functionCall.name: expected a string',
        'contents[1].parts[0].functionCall.name',
      ],
      [
        'function call args that are not an object',
        { contents: [USER_HI, { role: 'model', parts: [{ functionCall: { name: 'f', args: '{"a":1}' } }] }] },
        'contents[1].parts[0].functionCall.args: expected an object',
        'contents[1].parts[0].functionCall.args',
      ],
      [
        'a function call in a user turn',
        { contents: [{ parts: [{ functionCall: { name: 'f' } }] }] },
        'contents[0].parts[0].functionCall: functionCall parts belong in "model" turns',
        'contents[0].parts[0].functionCall',
      ],
      [
        'a function response that is not an object',
        { contents: [{ parts: [{ functionResponse: { name: 'f', response: 'done' } }] }] },
        'contents[0].parts[0].functionResponse.response: expected an object',
        'contents[0].parts[0].functionResponse.response',
      ],
      [
        'inline data without a MIME type',
        { contents: [{ parts: [{ inlineData: { data: 'iVBO' } }] }] },
        'contents[0].parts[0].inlineData.mimeType: expected a string',
        'contents[0].parts[0].inlineData.mimeType',
      ],
      [
        'code execution parts',
        { contents: [{ parts: [{ executableCode: { language: 'PYTHON', code: 'print(1)' } }] }] },
        "contents[0].parts[0].executableCode: parts of Gemini's server-side tools are not supported",
        'contents[0].parts[0].executableCode',
      ],
      [
        'video clipping',
        { contents: [{ parts: [{ fileData: { fileUri: 'gs://b/v.mp4', mimeType: 'video/mp4' }, videoMetadata: { startOffset: '10s' } }] }] },
        'contents[0].parts[0].videoMetadata: video clipping is not supported',
        'contents[0].parts[0].videoMetadata',
      ],
      [
        'an image in the system instruction',
        { contents: [USER_HI], systemInstruction: { parts: [{ inlineData: { mimeType: 'image/png', data: 'iVBO' } }] } },
        'systemInstruction.parts[0]: only text parts are allowed in systemInstruction',
        'systemInstruction.parts[0]',
      ],
      [
        'an unknown schema type',
        { contents: [USER_HI], tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'OBJECT', properties: { a: { type: 'TEXT' } } } }] }] },
        'tools[0].functionDeclarations[0].parameters.properties.a.type: unknown type "TEXT"',
        'tools[0].functionDeclarations[0].parameters.properties.a.type',
      ],
      [
        'both parameters and parametersJsonSchema',
        { contents: [USER_HI], tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'OBJECT' }, parametersJsonSchema: { type: 'object' } }] }] },
        'tools[0].functionDeclarations[0]: set parameters or parametersJsonSchema, not both',
        'tools[0].functionDeclarations[0].parametersJsonSchema',
      ],
      [
        'a response schema without the JSON MIME type',
        { contents: [USER_HI], generationConfig: { responseSchema: { type: 'OBJECT' } } },
        'generationConfig.responseSchema: needs responseMimeType "application/json"',
        'generationConfig.responseSchema',
      ],
      ['a temperature out of range', { contents: [USER_HI], generationConfig: { temperature: 3 } }, 'generationConfig.temperature: must be between 0 and 2', 'generationConfig.temperature'],
      ['a fractional topK', { contents: [USER_HI], generationConfig: { topK: 2.5 } }, 'generationConfig.topK: expected an integer', 'generationConfig.topK'],
      [
        'both thinkingBudget and thinkingLevel',
        { contents: [USER_HI], generationConfig: { thinkingConfig: { thinkingBudget: 128, thinkingLevel: 'LOW' } } },
        'generationConfig.thinkingConfig: set thinkingBudget or thinkingLevel, not both',
        'generationConfig.thinkingConfig.thinkingLevel',
      ],
      [
        'an unknown thinking level',
        { contents: [USER_HI], generationConfig: { thinkingConfig: { thinkingLevel: 'MAX' } } },
        'generationConfig.thinkingConfig.thinkingLevel: unknown value "MAX"',
        'generationConfig.thinkingConfig.thinkingLevel',
      ],
      [
        // Object.prototype's members are no level (the lookup used to hand a function to the IR).
        'a thinking level named after an Object.prototype member',
        { contents: [USER_HI], generationConfig: { thinkingConfig: { thinkingLevel: 'constructor' } } },
        'generationConfig.thinkingConfig.thinkingLevel: unknown value "constructor"',
        'generationConfig.thinkingConfig.thinkingLevel',
      ],
    ])('%s', (_case, body, message, param) => {
      expect(rejected(body)).toStrictEqual({ message, param });
    });
  });
});

describe(`${parseGeminiChatRequest.name} at the body limit`, () => {
  // Found while fuzzing: every allowed function name was looked up by scanning the declared
  // tools, so 45,000 of each (1.2 MB) held the event loop for 7 s.
  it('narrows 45,000 declared tools to the 45,000 allowed names, in order (the parser uses sets: list scans took 7 s; no clock is asserted here)', () => {
    const names = Array.from({ length: 45_000 }, (_, i) => `f${i}`);
    const ir = parseGeminiChatRequest(
      { contents: [USER_HI], tools: [{ functionDeclarations: [...names, 'not-allowed'].map((name) => ({ name })) }], toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: names } } },
      { model: 'gemini-2.5-flash' },
    );

    expect(ir.tools.map((t) => t.name)).toEqual(names);
  });
});

describe(parseGeminiCountTokens.name, () => {
  it('counts a bare contents list', () => {
    const ir = parseGeminiCountTokens({ contents: [USER_HI] }, { model: 'gemini-2.5-flash' });

    expect(toIrJson(ir.messages)).toStrictEqual([{ role: 'ROLE_USER', content: [{ part: { $case: 'text', value: { text: 'Hi', signature: '' } }, cacheControlJson: '' }], name: '' }]);
    expect(ir.stream).toBe(false);
  });

  it('counts a whole generateContentRequest, system instruction and tools included', () => {
    const ir = parseGeminiCountTokens(readJsonFixture('count-tokens.request.json'), { model: 'gemini-2.5-flash' });

    expect(toIrJson(ir)).toStrictEqual(readJsonFixture('count-tokens.ir.json'));
  });

  it('names errors inside generateContentRequest by their full path', () => {
    const e = rejection(() => parseGeminiCountTokens({ generateContentRequest: { contents: [{ parts: [{ text: 1 }] }] } }, { model: 'gemini-2.5-flash' }));

    expect([e.message, e.param]).toStrictEqual([
      'generateContentRequest.contents[0].parts[0].text: expected a string',
      'generateContentRequest.contents[0].parts[0].text',
    ]);
  });

  it('refuses contents and generateContentRequest together', () => {
    const e = rejection(() => parseGeminiCountTokens({ contents: [USER_HI], generateContentRequest: { contents: [USER_HI] } }, { model: 'gemini-2.5-flash' }));

    expect([e.message, e.param]).toStrictEqual(['contents: set contents or generateContentRequest, not both', 'contents']);
  });
});

describe('function call ids, against the plain list they replace', () => {
  // The reference: one list of unanswered call ids per name; a response with an id removes
  // the first equal one, a response without takes the oldest (what CallIds did with
  // indexOf/splice/shift before it became linear).
  function expectedIds(turns: { model: boolean; parts: { name: string; id?: string }[] }[]): string[] {
    const pending = new Map<string, string[]>();
    const out: string[] = [];
    turns.forEach((t, turn) => {
      let calls = 0;
      t.parts.forEach((p, j) => {
        const queue = pending.get(p.name) ?? [];
        pending.set(p.name, queue);
        if (t.model) {
          const index = calls++;
          const id = p.id || `call_${turn + 1}_${index}`;
          queue.push(id);
          out.push(id);
        } else if (p.id) {
          const at = queue.indexOf(p.id);
          if (at >= 0) queue.splice(at, 1);
          out.push(p.id);
        } else out.push(queue.shift() ?? `call_${turn + 1}_${j}`);
      });
    });
    return out;
  }

  it('pairs calls and responses exactly as before, whatever the order, names and ids', () => {
    const part = fc.record({ name: fc.constantFrom('f', 'g'), id: fc.option(fc.constantFrom('a', 'b', 'c', 'd'), { nil: undefined }) });
    const turns = fc.array(fc.record({ model: fc.boolean(), parts: fc.array(part, { minLength: 1, maxLength: 5 }) }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(turns, (list) => {
        const contents = [
          USER_HI,
          ...list.map((t) => ({
            role: t.model ? 'model' : 'user',
            parts: t.parts.map((p) => (t.model ? { functionCall: { name: p.name, ...(p.id ? { id: p.id } : {}) } } : { functionResponse: { name: p.name, ...(p.id ? { id: p.id } : {}), response: {} } })),
          })),
        ];
        const ir = parseGeminiChatRequest({ contents }, { model: 'gemini-2.5-flash' });
        const ids = (ir.messages).flatMap((m) =>
          (m.content).flatMap((c) => (c.part?.$case === 'toolCall' ? [c.part.value.id] : c.part?.$case === 'toolResult' ? [c.part.value.callId] : [])),
        );
        expect(ids).toStrictEqual(expectedIds(list));
      }),
      { seed: FUZZ_SEED, numRuns: 500 },
    );
  });
});
