import { ErrorKind } from '@switchyard/ir';
import type { AuthPort, Dialect, ErrorEvent } from '@switchyard/ir';

export interface KeyGateOptions {
  /**
   * How long a key the auth service knew passes without asking again. Seconds, not minutes: a
   * revoked key then costs at most this long of body reading, and is still refused by the full
   * admission that follows the body.
   */
  passMs?: number;
  /**
   * How long a refused key is refused without asking again. A fraction of a second: a key just
   * created through another replica must work as soon as this replica's auth loaded it (the
   * config bus makes that milliseconds), while a client retrying a bad key in a tight loop still
   * costs a few questions a second, not one per request.
   */
  refuseMs?: number;
  /** Entries kept per answer; the oldest goes first, so random keys cannot grow the gate. */
  maxEntries?: number;
  now?: () => number;
}

/** What the gate asks with: the key's hash (never the key) and what the admission log wants. */
export interface KeyGateQuery {
  keyHash: string;
  requestId: string;
  clientIp: string;
  dialect: Dialect;
}

/** Whose key it is: the tenant and key ids the request audit files a request under. */
export interface KeyOwner {
  readonly tenantId: string;
  readonly keyId: string;
}
/** The 401 to answer before the body is read; `who` when the key is known (revoked, expired), for the request audit. */
export type KeyGateRefusal = ErrorEvent & { readonly who?: KeyOwner };
/** Pass (undefined), or the refusal. */
export type KeyGateVerdict = KeyGateRefusal | undefined;

export const KEY_GATE_PASS_MS = 5_000;
export const KEY_GATE_REFUSE_MS = 250;
// 10,000 hashes and deadlines are about a megabyte: far more keys than a replica sees in seconds.
export const KEY_GATE_MAX_ENTRIES = 10_000;

/**
 * Checks the presented key before the request body is read (issue 10: a keyless or unknown key
 * must cost no body buffering), without a round trip per request in steady state: the answer of
 * an uncounted admission (key, revocation, expiry only; nothing is counted) is remembered
 * briefly. Only "the key is not valid" (401) is decided here; everything else — IP ranges,
 * models, limits — is the full admission's, after the body.
 */
export class KeyGate {
  // A passed key's deadline and owner: a request refused later for its body (a 400 before the
  // full admission) is still filed under the tenant and key in the request audit.
  private readonly passed = new Map<string, { until: number; who: KeyOwner | undefined }>();
  private readonly refused = new Map<string, { until: number; error: KeyGateRefusal }>();
  // Concurrent first requests of one key share one question.
  private readonly asking = new Map<string, Promise<KeyGateVerdict>>();
  private readonly passMs: number;
  private readonly refuseMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly auth: AuthPort,
    options: KeyGateOptions = {},
  ) {
    this.passMs = options.passMs ?? KEY_GATE_PASS_MS;
    this.refuseMs = options.refuseMs ?? KEY_GATE_REFUSE_MS;
    this.maxEntries = options.maxEntries ?? KEY_GATE_MAX_ENTRIES;
    this.now = options.now ?? Date.now;
  }

  /** Synchronous when the answer is remembered (the steady state), a promise when the auth service is asked. */
  check(query: KeyGateQuery): KeyGateVerdict | Promise<KeyGateVerdict> {
    const hash = query.keyHash;
    const now = this.now();
    const pass = this.passed.get(hash);
    if (pass !== undefined) {
      if (pass.until > now) return undefined;
      this.passed.delete(hash);
    }
    // A refusal is worded for the asker's dialect (it names where that dialect's clients send the
    // key), so refusals and questions in flight are kept per key and dialect.
    const asked = refusalKey(query);
    const refusal = this.refused.get(asked);
    if (refusal) {
      if (refusal.until > now) return refusal.error;
      this.refused.delete(asked);
    }
    let pending = this.asking.get(asked);
    if (!pending) {
      pending = this.ask(query).finally(() => this.asking.delete(asked));
      this.asking.set(asked, pending);
    }
    return pending;
  }

  private async ask(query: KeyGateQuery): Promise<KeyGateVerdict> {
    let error: KeyGateRefusal | undefined;
    let who: KeyOwner | undefined;
    try {
      const answer = await this.auth.admit({ keyHash: query.keyHash, model: '', requestId: query.requestId, clientIp: query.clientIp, dialect: query.dialect, counted: false, inputTokensEstimate: 0, inputTokensBound: 0, maxOutputTokens: 0 });
      who = answer.principal && { tenantId: answer.principal.tenantId, keyId: answer.principal.keyId };
      error = answer.admitted || !answer.error ? undefined : { ...answer.error, ...(who && { who }) };
    } catch {
      // Auth unreachable: let the request through unremembered; its full admission meets the
      // same failure and answers it (503) in the one place that words it.
      return undefined;
    }
    if (error?.kind === ErrorKind.ERROR_KIND_AUTHENTICATION) {
      remember(this.refused, refusalKey(query), { until: this.now() + this.refuseMs, error }, this.maxEntries);
      return error;
    }
    remember(this.passed, query.keyHash, { until: this.now() + this.passMs, who }, this.maxEntries);
    return undefined;
  }

  /**
   * The owner of a key that passed (read right after `check` passed it, so it is there); the
   * hash of a secret never changes hands, so the answer holds as long as the entry does.
   */
  ownerOf(keyHash: string): KeyOwner | undefined {
    return this.passed.get(keyHash)?.who;
  }
}

function refusalKey(query: KeyGateQuery): string {
  return `${query.dialect}:${query.keyHash}`;
}

/** Sets `key` as the newest entry, forgetting the oldest when the map is full (a Map iterates in insertion order). */
function remember<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  if (map.size >= max) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, value);
}
