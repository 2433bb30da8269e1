import { stableHash } from './stable-hash';

/**
 * Deterministic stand-ins for embedding vectors: the same text and dimensions always give the
 * same unit-length vector (the providers' embeddings are normalised), different texts give
 * different ones. Values are float32, so a base64 answer decodes to exactly the float answer.
 */
export function embeddingVector(text: string, dimensions: number): number[] {
  const next = mulberry32(stableHash(text));
  const raw = Array.from({ length: dimensions }, () => next() * 2 - 1);
  const norm = Math.sqrt(raw.reduce((sum, v) => sum + v * v, 0)) || 1;
  return raw.map((v) => Math.fround(v / norm));
}

/** The vector as OpenAI's `encoding_format: "base64"` sends it: little-endian float32 bytes. */
export function float32Base64(values: readonly number[]): string {
  const buffer = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => buffer.writeFloatLE(v, i * 4));
  return buffer.toString('base64');
}

// Small seeded PRNG (public-domain mulberry32), uniform in [0, 1).
function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
