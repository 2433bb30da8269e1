import { buildTurn, DEFAULT_CONTENT, prepareScenario, splitText } from './simulated-turn';

describe('splitText', () => {
  it.each([
    ['Hello from the simulator.', 4, ['Hello ', 'from ', 'the ', 'simulator.']],
    ['one two three four five six', 4, ['one ', 'two three ', 'four ', 'five six']],
    ['  padded  text ', 2, ['  padded  ', 'text ']],
    ['abc', 5, ['a', 'b', 'c']],
    ['{"city":"Paris"}', 3, ['{"cit', 'y":"P', 'aris"}']],
    ['', 3, []],
  ])('splits %j into %i pieces that concatenate back exactly', (text, parts, expected) => {
    const pieces = splitText(text, parts);

    expect(pieces).toEqual(expected);
    expect(pieces.join('')).toBe(text);
  });

  it('splits an answer of one word of megabytes (an oversized upstream answer) without a regular expression overflowing', () => {
    const text = 'x'.repeat(8 * 1024 * 1024);
    const pieces = splitText(text, 4);

    expect(pieces.map((p) => p.length)).toEqual([2, 2, 2, 2].map((n) => n * 1024 * 1024));
    expect(pieces.join('')).toBe(text);
    expect(buildTurn({ content: text }, 'anthropic', 'm', {}, 1).usage.output).toBe(1);
  });

  it('never cuts a long text between the halves of a surrogate pair', () => {
    const text = '😀'.repeat(40_000);
    const pieces = splitText(text, 3);

    expect(pieces.join('')).toBe(text);
    for (const p of pieces) expect(p.codePointAt(p.length - 1)).not.toBe(undefined);
    for (const p of pieces) expect(/[\uD800-\uDBFF]$/.test(p)).toBe(false);
  });
});

describe('buildTurn', () => {
  it('derives usage from the prompt and the answer when the scenario gives none', () => {
    const body = { system: 'x'.repeat(10), messages: [{ role: 'user', content: [{ type: 'text', text: 'y'.repeat(7) }] }] };

    const turn = buildTurn({ reasoning: 'two words', toolCalls: [{ name: 'f', arguments: { a: 1 } }] }, 'anthropic', 'm', body, 1);

    // 17 prompt characters → 5 tokens; output = 0 content words + ceil(7/4) tool + 2 reasoning words.
    expect(turn.usage).toEqual({ input: 5, output: 4, cachedInput: 0, cacheWrite: 0, reasoning: 2 });
  });

  it('defaults content to the greeting, or to nothing when tools are called', () => {
    expect(prepareScenario({}).content).toBe(DEFAULT_CONTENT);
    expect(prepareScenario({}).finishReason).toBe('stop');
    expect(prepareScenario({ toolCalls: [{ name: 'f', arguments: '{}' }] })).toMatchObject({ content: '', finishReason: 'tool_calls' });
  });

  it('prepares each scenario object once', () => {
    const scenario = { content: 'cached' };

    expect(prepareScenario(scenario)).toBe(prepareScenario(scenario));
  });

  it('keeps unparseable tool arguments verbatim', () => {
    const [call] = prepareScenario({ toolCalls: [{ name: 'f', arguments: '{"broken":' }] }).toolCalls;

    expect(call).toMatchObject({ json: '{"broken":', input: '{"broken":' });
  });
});
