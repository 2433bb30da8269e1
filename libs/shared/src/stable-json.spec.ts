import { sameJson, stableJson } from './stable-json';

describe(stableJson.name, () => {
  it('sorts keys at every depth and drops undefined fields', () => {
    expect(stableJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
  });

  it('compares values regardless of key order, but not of array order', () => {
    expect(sameJson({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true);
    expect(sameJson({ b: [1, 2] }, { b: [2, 1] })).toBe(false);
    expect(sameJson(null, undefined)).toBe(true);
  });
});
