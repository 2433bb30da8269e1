import type { SecretRef, SecretBox } from '@switchyard/config';

/** What applyConfig manages; also the `entity` of the audit rows it writes. */
export const CONFIG_ENTITIES = ['provider', 'model', 'deployment', 'price', 'plan', 'tenant', 'key'] as const;
export type ConfigEntity = (typeof CONFIG_ENTITIES)[number];

export const CONFIG_CHANGE_ACTIONS = ['create', 'update', 'delete', 'unchanged'] as const;
export type ConfigChangeAction = (typeof CONFIG_CHANGE_ACTIONS)[number];

/** A JSON value of an entity's state (money as numbers of USD, times as ISO strings). */
export type ConfigValue = string | number | boolean | null | readonly ConfigValue[] | ConfigState;

/**
 * The managed fields of one entity as plain JSON, with secrets already redacted: compared to
 * detect a change, written to the audit log, and shown by `switchyard apply`.
 */
export interface ConfigState {
  readonly [field: string]: ConfigValue | undefined;
}

export interface ConfigChange {
  entity: ConfigEntity;
  /**
   * A name a person recognises: provider id, model name, tenant id,
   * `<model>/<provider>/<upstream model>` for a deployment, the model name for its price,
   * `<tenant>/<key prefix>` for a key, the plan id for a plan.
   */
  id: string;
  action: ConfigChangeAction;
  /** The state before an update or delete, as audited (never a secret). */
  before?: ConfigState;
  /** The state after a create or update, as audited (never a secret). */
  after?: ConfigState;
  /** Something the operator should act on although nothing was written (e.g. a key rotated away). */
  note?: string;
}

export interface ApplyConfigOptions {
  /** Report what would change, write nothing (the transaction is read-only). */
  dryRun?: boolean;
  /** Turns a key reference (`env:ACME_KEY`) into the key; undefined when it resolves to nothing. */
  resolveSecret: (ref: SecretRef) => string | undefined;
  /** Recorded in the audit log; default 'config'. */
  actor?: string;
  /** The file's name as the admin API's 409 names it (configOwnership: file); default switchyard.yaml. */
  source?: string;
  /**
   * Seals literal upstream keys (AES-256-GCM, SWITCHYARD_SECRET_KEYS) before they are stored;
   * without it a literal is stored as written. `env:` references are always stored as written.
   */
  secretBox?: SecretBox;
}
