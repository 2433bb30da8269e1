import { sameJson } from '@switchyard/shared';
import type { ConfigChange, ConfigEntity, ConfigState, ConfigValue } from './config-change.types';
import { Prisma } from './generated/prisma/client';

/** The managed columns of one entity as plain JSON: compared to detect changes, and audited. */
export type EntityState = ConfigState;

interface RealChange {
  entity: ConfigEntity;
  id: string;
  action: 'create' | 'update' | 'delete';
  before?: EntityState;
  after?: EntityState;
  /** Performs the write and returns the row's id for the audit log. */
  write: () => Promise<string>;
}

/** Collects the change list of one applyConfig run and writes an audit row per real change. */
export class ConfigApplyContext {
  readonly changes: ConfigChange[] = [];

  constructor(
    readonly tx: Prisma.TransactionClient,
    private readonly dryRun: boolean,
    private readonly actor: string,
    /** `configOwnership: seed`: only creates; what exists is kept as stored. */
    private readonly seed = false,
  ) {}

  /**
   * Records `unchanged` when the current state equals the desired one, else performs the create
   * or update and audits it. `redact` strips what must not reach the audit log.
   */
  async sync(change: {
    entity: ConfigEntity;
    id: string;
    current: EntityState | undefined;
    desired: EntityState;
    redact?: (state: EntityState) => EntityState;
    write: () => Promise<string>;
  }): Promise<void> {
    const { entity, id, current, desired, redact = (state) => state, write } = change;
    if (current && sameState(current, desired)) {
      this.unchanged(entity, id);
      return;
    }
    const before = current && redact(current);
    await this.apply({ entity, id, action: current ? 'update' : 'create', before, after: redact(desired), write });
  }

  /** Records that the file and the database agree; `note` tells the operator what to do anyway. */
  unchanged(entity: ConfigEntity, id: string, note?: string): void {
    this.changes.push(note === undefined ? { entity, id, action: 'unchanged' } : { entity, id, action: 'unchanged', note });
  }

  async apply(change: RealChange): Promise<void> {
    const { entity, id, action, before, after } = change;
    if (this.seed && action !== 'create') {
      this.unchanged(entity, id, `differs from the file, kept as stored (configOwnership: seed)`);
      return;
    }
    this.changes.push({ entity, id, action, before, after });
    if (this.dryRun) return;
    const entityId = await change.write();
    await this.tx.auditLog.create({ data: { actor: this.actor, action, entity, entityId, before, after } });
  }
}

/** Deep equality of JSON states, ignoring object key order. */
export function sameState(a: ConfigValue, b: ConfigValue): boolean {
  return sameJson(a, b);
}

/** What Prisma accepts for a Decimal column. */
export type DecimalValue = Prisma.Decimal | number | string;

/**
 * Money as the numeric(18,6) column holds it, so that 0.15 from the file equals 0.150000 read
 * back. A number, not a string, so the audit log and the diff read `500 → 750.5`; the values
 * came from the file as numbers in the first place.
 */
export function usd(value: DecimalValue): number {
  return new Prisma.Decimal(value).toDecimalPlaces(6).toNumber();
}

/** A nullable money column's state. */
export function usdOrNull(value: DecimalValue | null | undefined): number | null {
  return value == null ? null : usd(value);
}
