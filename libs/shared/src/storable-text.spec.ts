import { findUnstorableText, isStorableText, mayHoldUnstorableText, storableJson, storableText } from './storable-text';

const HIGH = '\uD83D';
const LOW = '\uDE00';
const EMOJI = `${HIGH}${LOW}`; // 😀, a valid pair

describe(isStorableText.name, () => {
  it.each([
    ['plain text', 'gpt-4o-mini', true],
    ['an emoji (a valid surrogate pair)', `hi ${EMOJI}`, true],
    ['the empty string', '', true],
    ['a NUL', 'gpt\u00004o', false],
    ['a lone high surrogate', `a${HIGH}b`, false],
    ['a lone high surrogate at the end', `a${HIGH}`, false],
    ['a lone low surrogate', `a${LOW}b`, false],
    ['a reversed pair', `${LOW}${HIGH}`, false],
  ])('judges %s', (_what, text, storable) => {
    expect(isStorableText(text)).toBe(storable);
  });
});

describe(storableText.name, () => {
  it('replaces NULs and unpaired surrogates with U+FFFD and keeps valid pairs', () => {
    expect(storableText(`m\u0000${HIGH}x${EMOJI}${LOW}`)).toBe(`m\uFFFD\uFFFDx${EMOJI}\uFFFD`);
  });

  it('returns a storable string unchanged', () => {
    const text = `fine ${EMOJI}`;
    expect(storableText(text)).toBe(text);
  });
});

describe(mayHoldUnstorableText.name, () => {
  it.each([
    ['a \\u0000 escape', String.raw`{"model":"a\u0000b"}`, true],
    ['a lower-case surrogate escape', String.raw`{"a":"\ud83d"}`, true],
    ['an upper-case surrogate escape', String.raw`{"a":"\uDE00"}`, true],
    ['an escaped emoji pair (checked precisely later)', String.raw`{"a":"\ud83d\ude00"}`, true],
    ['other escapes', String.raw`{"a":"\u00e9\n\u0041"}`, false],
    ['a raw emoji', `{"a":"${EMOJI}"}`, false],
  ])('flags %s', (_what, json, suspect) => {
    expect(mayHoldUnstorableText(json)).toBe(suspect);
  });
});

describe(findUnstorableText.name, () => {
  it('finds nothing in storable values, emoji included', () => {
    expect(findUnstorableText({ messages: [{ role: 'user', content: `hi ${EMOJI}` }], n: 1, ok: true, none: null })).toBeUndefined();
  });

  it.each<[string, unknown, string]>([
    ['a top-level field', { model: 'gpt\u0000' }, 'model'],
    ['a nested array element', { messages: [{ content: 'ok' }, { content: [{ text: `x${LOW}` }] }] }, 'messages[1].content[0].text'],
    ['an object key', { metadata: { [`te${HIGH}am`]: 'x' } }, 'metadata.te\uFFFDam (a key)'],
    ['a top-level string', 'a\u0000', '(the value)'],
    ['an array at the top', ['ok', 'a\u0000'], '[1]'],
  ])('names %s', (_what, value, path) => {
    expect(findUnstorableText(value)).toBe(path);
  });

  it('walks a body nested a million levels deep without overflowing the stack', () => {
    const depth = 1_000_000;
    const value: unknown = JSON.parse(`${'['.repeat(depth)}"a\\u0000"${']'.repeat(depth)}`);
    const path = findUnstorableText(value) ?? '';
    expect(path.length).toBeLessThanOrEqual(201);
    expect(path).toMatch(/^(\[0\])+\[?0?\]?…\[?0?\]?(\[0\])+$/);
    expect(findUnstorableText(JSON.parse(`${'{"a":'.repeat(1000)}"ok"${'}'.repeat(1000)}`))).toBeUndefined();
  });

  it('names a key inside an array element', () => {
    expect(findUnstorableText({ tools: [{ function: { parameters: { ['p\u0000']: 1 } } }] })).toBe('tools[0].function.parameters.p\uFFFD (a key)');
  });

  it('never quotes the value', () => {
    expect(findUnstorableText({ apiKey: 'sk-live-SECRET\u0000' })).toBe('apiKey');
  });
});

describe(storableJson.name, () => {
  it('makes every string and key storable, and writes bigints as numbers', () => {
    const text = storableJson({ model: 'a\u0000', [`k${HIGH}`]: [`${LOW}`, EMOJI], n: 5n });
    expect(JSON.parse(text)).toEqual({ model: 'a\uFFFD', 'k\uFFFD': ['\uFFFD', EMOJI], n: 5 });
    expect(text).not.toMatch(/\\u0000|\\ud[89a-f]/i);
  });
});
