import { Logger } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { keyFits, signingKeyOf, type JwsAlgorithm, type SigningKey } from './jws-signature';

/** An unknown `kid` re-reads the set (the provider rotated its keys) at most this often: a stream of forged kids must not become a stream of fetches. */
const MIN_RELOAD_MS = 30_000;
const FETCH_TIMEOUT_MS = 5_000;
/** JWKS documents are a few kilobytes; a larger answer is not one. */
const MAX_JWKS_BYTES = 1 << 20;

/**
 * The OpenID provider's signing keys (a JWKS document, RFC 7517 §5) from a URL or a file, read
 * on first use and again when a token names a key the set lacks. A failed read keeps the keys
 * already known.
 */
export class JwksSource {
  private readonly log = new Logger('AdminOidc');
  private keys: SigningKey[] = [];
  private loadedAt: number | undefined;
  private loading: Promise<void> | undefined;

  constructor(private readonly from: { url: string } | { file: string }) {}

  /** The key that verifies a token with this header, or undefined. */
  async keyFor(kid: string | undefined, alg: JwsAlgorithm, nowMs = Date.now()): Promise<SigningKey | undefined> {
    const found = this.pick(kid, alg);
    if (found || (this.loadedAt !== undefined && nowMs - this.loadedAt < MIN_RELOAD_MS)) return found;
    await this.reload(nowMs);
    return this.pick(kid, alg);
  }

  private pick(kid: string | undefined, alg: JwsAlgorithm): SigningKey | undefined {
    const fitting = this.keys.filter((k) => keyFits(k, alg));
    if (kid !== undefined) return fitting.find((k) => k.jwk.kid === kid);
    // No kid: only unambiguous when the set holds one key for this algorithm.
    return fitting.length === 1 ? fitting[0] : undefined;
  }

  private reload(nowMs: number): Promise<void> {
    this.loading ??= this.read()
      .then((keys) => {
        this.keys = keys;
      })
      .catch((error: unknown) => this.log.warn(`the OIDC key set could not be read, keeping ${this.keys.length} known keys: ${String(error)}`))
      .finally(() => {
        this.loadedAt = nowMs;
        this.loading = undefined;
      });
    return this.loading;
  }

  private async read(): Promise<SigningKey[]> {
    const text = 'url' in this.from ? await this.fetchText(this.from.url) : await readFile(this.from.file, 'utf8');
    const doc = JSON.parse(text) as { keys?: unknown };
    if (!Array.isArray(doc.keys)) throw new Error('not a JWKS document (no "keys" list)');
    return doc.keys.map(signingKeyOf).filter((k): k is SigningKey => k !== undefined);
  }

  private async fetchText(url: string): Promise<string> {
    const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'error', headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`${url} answered ${res.status}`);
    const text = await res.text();
    if (text.length > MAX_JWKS_BYTES) throw new Error(`${url} answered more than ${MAX_JWKS_BYTES} bytes`);
    return text;
  }
}
