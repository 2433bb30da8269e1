import { Logger } from '@nestjs/common';
import type { ResponseStorePort, StoredResponse } from '@switchyard/ir';
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

/** How often, at most, a save also prunes expired rows (per process). */
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
    if (days !== undefined && Date.now() - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = Date.now();
      this.prune().catch((err: unknown) => this.options.onPruneError?.(err));
    }
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

/** The store both apps bind: `retentionDays` from SWITCHYARD_RESPONSES_RETENTION_DAYS (0 keeps responses until deleted). */
export function responseStoreOf(db: Database, retentionDays: number): SqlResponseStore {
  const log = new Logger('Responses');
  return new SqlResponseStore(db, { retentionDays: retentionDays || undefined, onPruneError: (err) => log.warn(`expired responses could not be pruned: ${String(err)}`) });
}
