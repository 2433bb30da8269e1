import { Logger } from '@nestjs/common';
import type { ResponseStorePort, StoredResponse } from '@switchyard/ir';
import { type PeriodicJob, startPeriodicJob } from '@switchyard/shared';
import type { Database } from './database';

// Stored Responses API answers (table `responses`, issue 17). Raw SQL through the driver
// session like the ledger's writers: one statement per call, JSONB in and out.

const INSERT = `
  INSERT INTO responses (id, tenant_id, key_id, model, response, input_items, history, expires_at)
  VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8::timestamptz)
  ON CONFLICT (id) DO NOTHING`;
const SELECT = `
  SELECT id, tenant_id, key_id, model, response, input_items, history FROM responses
  WHERE id = $1 AND (expires_at IS NULL OR expires_at > now())`;
const DELETE = 'DELETE FROM responses WHERE id = $1 AND tenant_id = $2 RETURNING id';
// Bounded, so a large backlog of expired rows is removed a slice at a time.
const PRUNE = `DELETE FROM responses WHERE id IN (SELECT id FROM responses WHERE expires_at <= now() LIMIT ${1000})`;

/**
 * How often expired rows are pruned (per process): at most once a minute on a save, and once a
 * minute by the sweep even when nothing is saved, so a gateway that stopped storing still
 * deletes what it kept. A minute is far below any retention (days), and one bounded DELETE a
 * minute costs the database nothing.
 */
const PRUNE_EVERY_MS = 60_000;

interface Row {
  id: string;
  tenant_id: string;
  key_id: string;
  model: string;
  response: unknown;
  input_items: unknown;
  history: unknown;
}

export interface ResponseStoreOptions {
  /** Days a stored response is kept; undefined keeps it until deleted. */
  retentionDays?: number | undefined;
  /** Reports a prune that failed (the next save tries again). */
  onPruneError?: (err: unknown) => void;
}

export class SqlResponseStore implements ResponseStorePort {
  private lastPrune = 0;
  private sweeper: PeriodicJob<number> | undefined;
  /** A prune a save started while no sweep runs (close waits for it too). */
  private pruning: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly options: ResponseStoreOptions = {},
  ) {}

  async save(r: StoredResponse): Promise<void> {
    const days = this.options.retentionDays;
    const expires = days === undefined ? null : new Date(Date.now() + days * 86_400_000).toISOString();
    await this.db.withSession((s) =>
      s.query(INSERT, [r.id, r.tenantId, r.keyId, r.model, JSON.stringify(r.response), JSON.stringify(r.inputItems), JSON.stringify(r.history), expires]),
    );
    if (days !== undefined && Date.now() - this.lastPrune >= PRUNE_EVERY_MS) this.pruneDue();
  }

  /**
   * With a retention: prunes expired rows now (a process that starts after a pause removes
   * what expired meanwhile) and then every minute until `close`. Without one, nothing expires.
   */
  startSweeping(): void {
    if (this.options.retentionDays === undefined || this.sweeper) return;
    this.sweeper = startPeriodicJob(() => this.timedPrune(), { everyMs: PRUNE_EVERY_MS, onError: (err) => this.options.onPruneError?.(err) });
  }

  /** Stops the sweep and waits for a prune under way (before the database closes). */
  async close(): Promise<void> {
    await this.sweeper?.stop();
    this.sweeper = undefined;
    await this.pruning;
  }

  /** A save found a prune due: through the sweep when it runs (never two at once), else on its own. */
  private pruneDue(): void {
    if (this.sweeper) {
      void this.sweeper.runNow();
      return;
    }
    this.pruning = this.timedPrune().catch((err: unknown) => this.options.onPruneError?.(err));
  }

  private timedPrune(): Promise<number> {
    this.lastPrune = Date.now();
    return this.prune();
  }

  async find(id: string): Promise<StoredResponse | undefined> {
    const rows = await this.db.withSession((s) => s.query<Row>(SELECT, [id]));
    const row = rows[0];
    if (!row) return undefined;
    return {
      id: row.id,
      tenantId: row.tenant_id,
      keyId: row.key_id,
      model: row.model,
      response: jsonOf(row.response) as Record<string, unknown>,
      inputItems: jsonOf(row.input_items) as Record<string, unknown>[],
      history: jsonOf(row.history) as Record<string, unknown>[],
    };
  }

  async delete(id: string, tenantId: string): Promise<boolean> {
    const rows = await this.db.withSession((s) => s.query<{ id: string }>(DELETE, [id, tenantId]));
    return rows.length > 0;
  }

  /** Removes up to 1,000 expired rows; returns how many. */
  async prune(): Promise<number> {
    const rows = await this.db.withSession((s) => s.query<{ id: string }>(`${PRUNE} RETURNING id`));
    return rows.length;
  }
}

/** JSONB arrives parsed from node-postgres and PGlite alike; a driver that hands text is read too. */
function jsonOf(v: unknown): unknown {
  return typeof v === 'string' ? JSON.parse(v) : v;
}

/**
 * The store both apps bind, sweeping: `retentionDays` from SWITCHYARD_RESPONSES_RETENTION_DAYS
 * (0 keeps responses until deleted). The app closes it before its database.
 */
export function responseStoreOf(db: Database, retentionDays: number): SqlResponseStore {
  const log = new Logger('Responses');
  const store = new SqlResponseStore(db, { retentionDays: retentionDays || undefined, onPruneError: (err) => log.warn(`expired responses could not be pruned: ${String(err)}`) });
  store.startSweeping();
  return store;
}
