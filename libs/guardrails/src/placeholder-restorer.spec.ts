import { PlaceholderRestorer } from './placeholder-restorer';

const values = new Map([
  ['[EMAIL_1]', 'jane@example.com'],
  ['[CARD_1]', '4111 1111 1111 1111'],
  ['[NOTE_1]', 'say "hi"\\'],
]);

/** Pushes `chunks` and returns the whole output, flush included. */
function through(chunks: string[], json = false): string[] {
  const r = new PlaceholderRestorer(values, json);
  const out = chunks.map((c) => r.push(c));
  out.push(r.flush());
  return out;
}

describe(PlaceholderRestorer.name, () => {
  it('restores a whole placeholder in one chunk', () => {
    expect(through(['Mail [EMAIL_1] now']).join('')).toBe('Mail jane@example.com now');
  });

  it('restores a placeholder split at every possible position', () => {
    const text = 'Write to [EMAIL_1], card [CARD_1].';
    for (let a = 1; a < text.length; a++) {
      for (let b = a + 1; b < text.length; b++) {
        expect(through([text.slice(0, a), text.slice(a, b), text.slice(b)]).join('')).toBe('Write to jane@example.com, card 4111 1111 1111 1111.');
      }
    }
  });

  it('holds back only what may become a placeholder', () => {
    const r = new PlaceholderRestorer(values);
    expect(r.push('see [EMA')).toBe('see ');
    expect(r.push('IL_1] and [1, 2')).toBe('jane@example.com and [1, 2');
    expect(r.push(' [link](x)')).toBe(' [link](x)');
  });

  it('leaves placeholders this request did not mint, and releases a dangling prefix at the end', () => {
    expect(through(['[EMAIL_2] [CARD', '_9] [EMAIL_']).join('')).toBe('[EMAIL_2] [CARD_9] [EMAIL_');
  });

  it('escapes a value put back into JSON text', () => {
    const args = through(['{"note":"[NO', 'TE_1]"}'], true).join('');
    expect(JSON.parse(args)).toEqual({ note: 'say "hi"\\' });
  });
});
