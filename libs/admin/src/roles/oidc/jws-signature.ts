import { constants, createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

/**
 * The JWS algorithms an admin JWT may be signed with (RFC 7518 §3): asymmetric only. `none` and
 * the HMAC family are refused outright — with a public key set, accepting HS256 would let anyone
 * who read the JWKS sign tokens (the classic algorithm confusion).
 */
const ALGORITHMS = {
  RS256: { kty: 'RSA', hash: 'sha256', pss: false },
  RS384: { kty: 'RSA', hash: 'sha384', pss: false },
  RS512: { kty: 'RSA', hash: 'sha512', pss: false },
  PS256: { kty: 'RSA', hash: 'sha256', pss: true },
  PS384: { kty: 'RSA', hash: 'sha384', pss: true },
  PS512: { kty: 'RSA', hash: 'sha512', pss: true },
  ES256: { kty: 'EC', hash: 'sha256', crv: 'P-256' },
  ES384: { kty: 'EC', hash: 'sha384', crv: 'P-384' },
  ES512: { kty: 'EC', hash: 'sha512', crv: 'P-521' },
  EdDSA: { kty: 'OKP', hash: null },
} as const;
export type JwsAlgorithm = keyof typeof ALGORITHMS;

export function isJwsAlgorithm(alg: unknown): alg is JwsAlgorithm {
  return typeof alg === 'string' && Object.hasOwn(ALGORITHMS, alg);
}

/** A key of the set: the JWK as published and the key Node made of it. */
export interface SigningKey {
  jwk: JsonWebKey & { kid?: string; alg?: string; use?: string };
  key: KeyObject;
}

/** The key Node makes of a published JWK, or undefined for one it cannot read (a private or unknown key type is skipped). */
export function signingKeyOf(jwk: unknown): SigningKey | undefined {
  if (typeof jwk !== 'object' || jwk === null) return undefined;
  const k = jwk as SigningKey['jwk'];
  if (k.use !== undefined && k.use !== 'sig') return undefined;
  try {
    return { jwk: k, key: createPublicKey({ key: k, format: 'jwk' }) };
  } catch {
    return undefined;
  }
}

/** Whether `key` may verify `alg` at all: its type (and curve) match, and its own `alg`, if any, is this one. */
export function keyFits(key: SigningKey, alg: JwsAlgorithm): boolean {
  const spec = ALGORITHMS[alg];
  if (key.jwk.kty !== spec.kty || (key.jwk.alg !== undefined && key.jwk.alg !== alg)) return false;
  return !('crv' in spec) || key.jwk.crv === spec.crv;
}

/** Verifies a JWS signature (RFC 7515) over `signingInput` (`header.payload` as sent). */
export function verifyJwsSignature(alg: JwsAlgorithm, key: SigningKey, signingInput: string, signature: Buffer): boolean {
  const spec = ALGORITHMS[alg];
  const data = Buffer.from(signingInput, 'ascii');
  try {
    switch (spec.kty) {
      case 'RSA':
        return verify(spec.hash, data, spec.pss ? { key: key.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } : key.key, signature);
      case 'EC':
        // JWS carries ECDSA signatures as r‖s (RFC 7518 §3.4), not DER.
        return verify(spec.hash, data, { key: key.key, dsaEncoding: 'ieee-p1363' }, signature);
      case 'OKP':
        return verify(null, data, key.key, signature);
    }
  } catch {
    // A signature of the wrong length for the key, a key of the wrong kind: not valid.
    return false;
  }
}
