import { MAX_BODY_DEPTH } from '@switchyard/dialects';
import { IrError } from '@switchyard/ir';
import { BATCH_CREATE_DEPTH, jsonOf } from './json-body';

/** An object `depth` levels deep: {"a":{"a":…{}}}. */
const nested = (depth: number): unknown => {
  let v: Record<string, unknown> = {};
  for (let i = 1; i < depth; i++) v = { a: v };
  return v;
};

describe(jsonOf.name, () => {
  it('parses a body nested up to the limit', () => {
    expect(jsonOf(JSON.stringify(nested(MAX_BODY_DEPTH)))).toStrictEqual(nested(MAX_BODY_DEPTH));
  });

  it('refuses a deeper body with a 400 naming the limit, before anything walks it', () => {
    const refused = (): unknown => jsonOf(JSON.stringify(nested(MAX_BODY_DEPTH + 1)));
    expect(refused).toThrow(IrError);
    expect(refused).toThrow(`nested more than ${MAX_BODY_DEPTH} levels deep`);
    // Far past any recursive walk's stack (Prisma's JSON column stops at 128).
    expect(() => jsonOf(`${'{"a":'.repeat(4999)}{}${'}'.repeat(4999)}`)).toThrow(`nested more than ${MAX_BODY_DEPTH} levels deep`);
  });

  it("gives a Message Batch room for a live request's depth under requests[i].params, and no more", () => {
    const batch = (paramsDepth: number): string => JSON.stringify({ requests: [{ custom_id: 'a', params: nested(paramsDepth) }] });
    expect(() => jsonOf(batch(MAX_BODY_DEPTH), BATCH_CREATE_DEPTH)).not.toThrow();
    expect(() => jsonOf(batch(MAX_BODY_DEPTH + 1), BATCH_CREATE_DEPTH)).toThrow(`nested more than ${BATCH_CREATE_DEPTH} levels deep`);
  });
});
