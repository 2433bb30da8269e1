/**
 * A sealed secret that cannot be opened, or a key set that cannot be used. Messages name the
 * record (the context) and the key id, never the plaintext or key material: they end up in
 * logs and in error answers.
 */
export class SecretError extends Error {
  override readonly name = 'SecretError';
}
