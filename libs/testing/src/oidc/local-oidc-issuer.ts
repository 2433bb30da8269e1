import { createServer, type Server } from 'node:http';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export type LocalSigningAlgorithm = 'RS256' | 'ES256' | 'EdDSA';

interface Pair {
  kid: string;
  alg: LocalSigningAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface LocalSignOptions {
  /** Which of the issuer's keys signs: default RS256 (kid `rsa-1`). */
  alg?: LocalSigningAlgorithm;
  /** Sign with a key of the same kid that the key set does not hold (a forgery). */
  forged?: boolean;
  /** Header fields to add or override (`alg: 'none'`, another kid, …). */
  header?: Record<string, unknown>;
}

function pair(kid: string, alg: LocalSigningAlgorithm): Pair {
  const keys = alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  return { kid, alg, ...keys };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * An OpenID provider's signing side for tests: key pairs (RSA, P-256, Ed25519) whose public
 * halves it serves as a JWKS document over local HTTP, and JWTs it signs with them (RFC 7515
 * compact form, the way real providers do). Nothing leaves the machine.
 */
export class LocalOidcIssuer {
  /** How many times the key set was fetched. */
  fetches = 0;
  private keys: Pair[] = [pair('rsa-1', 'RS256'), pair('ec-1', 'ES256'), pair('ed-1', 'EdDSA')];
  private readonly forgeries = new Map<string, Pair>();
  private rsaKeys = 1;

  private constructor(
    private readonly server: Server,
    readonly issuer: string,
  ) {}

  static async start(issuer = 'https://login.example.test/'): Promise<LocalOidcIssuer> {
    // The handler needs the issuer, which needs the server: filled in once both exist.
    const holder: { self?: LocalOidcIssuer } = {};
    const server = createServer((req, res) => {
      const self = holder.self;
      if (!self || req.url !== '/jwks.json') {
        res.writeHead(404).end();
        return;
      }
      self.fetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(self.jwks()));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.self = new LocalOidcIssuer(server, issuer);
    return holder.self;
  }

  get jwksUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/jwks.json`;
  }

  /** The public key set, as a provider publishes it. */
  jwks(): { keys: Record<string, unknown>[] } {
    return { keys: this.keys.map((k) => ({ ...k.publicKey.export({ format: 'jwk' }), kid: k.kid, alg: k.alg, use: 'sig' })) };
  }

  /** A signed JWT with these claims (the caller sets iss, aud, exp, …). */
  sign(claims: Record<string, unknown>, options: LocalSignOptions = {}): string {
    const alg = options.alg ?? 'RS256';
    const current = this.keys.find((k) => k.alg === alg);
    if (!current) throw new Error(`no ${alg} key`);
    const key = options.forged ? this.forgeryOf(current) : current;
    const input = `${b64({ typ: 'JWT', alg, kid: key.kid, ...options.header })}.${b64(claims)}`;
    const signature = alg === 'RS256' ? sign('sha256', Buffer.from(input), key.privateKey) : alg === 'ES256' ? sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' }) : sign(null, Buffer.from(input), key.privateKey);
    return `${input}.${signature.toString('base64url')}`;
  }

  /** Replaces the RSA key with a new one under a new kid (a provider's key rotation). */
  rotate(): void {
    this.rsaKeys++;
    this.keys = [pair(`rsa-${this.rsaKeys}`, 'RS256'), ...this.keys.filter((k) => k.alg !== 'RS256')];
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private forgeryOf(real: Pair): Pair {
    let forged = this.forgeries.get(real.kid);
    if (!forged) this.forgeries.set(real.kid, (forged = pair(real.kid, real.alg)));
    return forged;
  }
}
