import { Logger } from '@nestjs/common';
import type { ConfigTopic } from '@switchyard/queue';
import type { ModelPrice } from '@switchyard/shared';
import type { KeyRecord, KeySource } from './key-directory.types';
import { type KeyPlan, keyPlanOf } from './key-plan';

/** Every key and price is read again this often, whatever the change announcements said (the last resort). */
export const KEY_REFRESH_MS = 10_000;
// An unknown key may be one created a moment ago: reload, but at most this often, so a client
// hammering with a bad key cannot turn every request into a database read.
const MISS_RELOAD_MS = 1_000;

/** One load of the directory, for those who derive state from it (budget watches, CORS origins). */
export interface KeyDirectoryLoad {
  keys: Map<string, KeyRecord>;
  plans: Map<string, KeyPlan>;
  /** Absent when the directory loads no prices, or the source has none. */
  prices?: Map<string, ModelPrice[]>;
}

export interface KeyDirectoryOptions {
  /** Prices load with the keys (budgets are reserved at them); an admission that counts nothing needs none. Default true. */
  prices?: boolean;
  refreshMs?: number;
  /** Runs after each successful load, before the new plans are read by anyone else. */
  onLoad?: (load: KeyDirectoryLoad) => void;
}

/**
 * The key records admission decides from, in memory (docs/architecture.md §1, auth: never a
 * database read per request), each turned once per load into its `KeyPlan`. Kept fresh by a
 * timer and by `invalidate`, which the owner calls when a configuration change is announced
 * (the config bus, the change feed). Auth holds one; so does the cluster ingress, to admit keys
 * with nothing to count without asking auth (LocalAdmission).
 */
export class KeyDirectory {
  private readonly log = new Logger(KeyDirectory.name);
  private plans = new Map<string, KeyPlan>();
  private timer: NodeJS.Timeout | undefined;
  private lastLoad = 0;
  private loading: Promise<void> | undefined;
  private reloadAfterLoading: Promise<void> | undefined;

  constructor(
    private readonly source: KeySource,
    private readonly options: KeyDirectoryOptions = {},
  ) {}

  /**
   * The timer, then the first load. Rejects when that load fails; the timer keeps trying, so an
   * owner that can serve without the directory for a while (the ingress) may go on.
   */
  async start(): Promise<void> {
    this.timer ??= setInterval(() => void this.reload().catch((e: unknown) => this.log.warn(`key refresh failed: ${String(e)}`)), this.options.refreshMs ?? KEY_REFRESH_MS);
    this.timer.unref();
    await this.reload();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A load; joins the one running, if any. A failed load leaves the last one in place. */
  reload(): Promise<void> {
    this.loading ??= Promise.all([this.source.loadAll(), this.options.prices === false ? undefined : this.source.loadPrices?.()])
      .then(([keys, prices]) => {
        const plans = new Map<string, KeyPlan>();
        for (const [hash, k] of keys) plans.set(hash, keyPlanOf(k));
        this.options.onLoad?.({ keys, plans, prices });
        this.plans = plans;
        this.lastLoad = Date.now();
      })
      .finally(() => (this.loading = undefined));
    return this.loading;
  }

  /**
   * After a configuration change: a load that starts now. `reload` joins a load already running,
   * which may have read the database before the change, so here that load is followed by one
   * more (shared by every change announced meanwhile).
   */
  invalidate(): Promise<void> {
    if (!this.loading) return this.reload();
    this.reloadAfterLoading ??= this.loading
      .catch(() => undefined)
      .then(() => {
        this.reloadAfterLoading = undefined;
        return this.reload();
      });
    return this.reloadAfterLoading;
  }

  /** The plan of a secret (by its sha256 hex) as of the last load; never waits. */
  get(keyHash: string): KeyPlan | undefined {
    return this.plans.get(keyHash);
  }

  /** The plan, or after one reload when the secret is unknown (rate-limited: MISS_RELOAD_MS). */
  async find(keyHash: string): Promise<KeyPlan | undefined> {
    const plan = this.plans.get(keyHash);
    if (plan || Date.now() - this.lastLoad <= MISS_RELOAD_MS) return plan;
    await this.reload().catch((e: unknown) => this.log.warn(`key reload failed: ${String(e)}`));
    return this.plans.get(keyHash);
  }
}

/** Whether an announced change concerns the key directory: keys and prices do (budgets reserve at prices); admin tokens are the admin API's alone. */
export function concernsKeys(topic: ConfigTopic): boolean {
  return topic !== 'admin-tokens';
}
