import { embeddingVector, float32Base64 } from './embedding-vector';

describe('embeddingVector', () => {
  it('gives the same unit vector for the same text and a different one for another text', () => {
    const a = embeddingVector('hello', 8);

    expect(embeddingVector('hello', 8)).toEqual(a);
    expect(embeddingVector('hello!', 8)).not.toEqual(a);
    expect(a).toHaveLength(8);
    expect(Math.sqrt(a.reduce((sum, v) => sum + v * v, 0))).toBeCloseTo(1, 5);
  });

  it('holds float32 values, so the base64 form decodes to exactly the same numbers', () => {
    const vector = embeddingVector('round trip', 5);
    const bytes = Buffer.from(float32Base64(vector), 'base64');

    expect(bytes).toHaveLength(20);
    expect(Array.from({ length: 5 }, (_, i) => bytes.readFloatLE(i * 4))).toEqual(vector);
  });
});
