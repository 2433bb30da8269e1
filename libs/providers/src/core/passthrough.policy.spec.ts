import { ErrorKind } from '@switchyard/ir';
import { type PassthroughRules, dropForeign, filterPassthrough, passthroughAction } from './passthrough.policy';

const RULES: PassthroughRules = {
  safe: { forward: true, otherwise: 'drop', why: 'harmless' },
  costly: { forward: false, otherwise: 'drop', why: 'costs money' },
  tool: { forward: false, otherwise: 'refuse', why: 'changes the answer' },
  'config.*': { forward: true, otherwise: 'drop', why: 'output shape' },
  'tools.*': { forward: false, otherwise: 'refuse', why: 'server-side tool' },
};

describe(passthroughAction.name, () => {
  it.each([
    ['a forwarded field', 'safe', undefined, 'forward'],
    ['a field the rules drop', 'costly', undefined, 'drop'],
    ['a field the rules refuse', 'tool', undefined, 'refuse'],
    ['a field no rule names', 'unheard_of', undefined, 'drop'],
    ['a nested field by its a.* rule', 'config.speech', undefined, 'forward'],
    ['a nested field under a refusing a.* rule', 'tools.search', undefined, 'refuse'],
    ['an allowed field', 'costly', { allow: ['costly'] }, 'forward'],
    ['a field allowed by *', 'unheard_of', { allow: ['*'] }, 'forward'],
    ['a nested field allowed by its prefix', 'tools.search', { allow: ['tools.*'] }, 'forward'],
    ['a denied field, as its rule says', 'safe', { deny: ['safe'] }, 'drop'],
    ['a denied refusing field', 'tool', { allow: ['tool'], deny: ['tool'] }, 'refuse'],
    ['a field denied by * though allowed', 'safe', { allow: ['safe'], deny: ['*'] }, 'drop'],
  ] as const)('treats %s', (_what, name, policy, action) => {
    expect(passthroughAction(RULES, name, policy)).toBe(action);
  });

  it('does not read `a.*` as matching `ab`', () => {
    expect(passthroughAction(RULES, 'configuration', { allow: ['config.*'] })).toBe('drop');
  });
});

describe(filterPassthrough.name, () => {
  it('keeps the forwarded fields, lists the dropped ones with their prefix, and passes $-notes', () => {
    const dropped = new Set<string>();

    const kept = filterPassthrough(RULES, { safe: 1, costly: 2, $note: 3 }, undefined, dropped, '');

    expect(kept).toStrictEqual({ safe: 1, $note: 3 });
    expect([...dropped]).toStrictEqual(['costly']);
  });

  it('throws an invalid-request error naming a refused field and the reason', () => {
    expect(() => filterPassthrough(RULES, { search: {} }, undefined, new Set(), 'tools.')).toThrow(
      expect.objectContaining({ kind: ErrorKind.ERROR_KIND_INVALID_REQUEST, param: 'tools.search', message: expect.stringContaining('(server-side tool)') }),
    );
  });
});

describe(dropForeign.name, () => {
  it('lists every top-level field as dropped when none is refused, and skips $-notes', () => {
    const dropped = new Set<string>();

    dropForeign(RULES, { safe: 1, config: { speech: {} }, $note: 2 }, dropped);

    expect([...dropped]).toStrictEqual(['safe', 'config']);
  });

  it('refuses a field, or a nested one in a list of objects, that the rules refuse', () => {
    expect(() => dropForeign(RULES, { tool: {} }, new Set())).toThrow(expect.objectContaining({ param: 'tool' }));
    expect(() => dropForeign(RULES, { tools: [{ search: {} }] }, new Set())).toThrow(expect.objectContaining({ param: 'tools.search' }));
  });

  it('drops everything for a dialect without rules', () => {
    const dropped = new Set<string>();
    dropForeign(undefined, { tool: {} }, dropped);
    expect([...dropped]).toStrictEqual(['tool']);
  });
});
