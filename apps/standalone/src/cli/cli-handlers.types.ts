// What each `switchyard` subcommand does, behind one interface: the parser (cli.program.ts)
// only turns argv into these calls, so its wiring is tested with fakes and the commands without
// a parser. Each returns the process's exit code (0 done, 1 failed); usage errors (2) never
// reach a handler.

/** Where a command that talks to a running gateway sends its admin API calls. */
export interface AdminTarget {
  /** The gateway's base URL (`http://127.0.0.1:8080`); /admin/v1 is appended. */
  url: string;
  /** The admin token from --token; undefined means SWITCHYARD_ADMIN_TOKEN. */
  token: string | undefined;
}

export interface ApplyOptions {
  file: string;
  dryRun: boolean;
  /** Send the file to this running gateway's admin API instead of opening the database. */
  server?: AdminTarget;
}

export interface ValidateOptions {
  file: string;
}

export interface PricesImportOptions {
  file: string;
  dryRun: boolean;
  admin: AdminTarget;
}

/** The limits a new key starts with; absent means none (or the tenant's). */
export interface KeyCreateOptions {
  tenant: string;
  name?: string;
  rpm?: number;
  tpm?: number;
  concurrency?: number;
  models?: string[];
  dailyUsd?: number;
  monthlyUsd?: number;
  expiresAt?: string;
  json: boolean;
  admin: AdminTarget;
}

export interface KeyRevokeOptions {
  tenant: string;
  keyId: string;
  json: boolean;
  admin: AdminTarget;
}

export interface KeyRotateOptions extends KeyRevokeOptions {
  graceSeconds?: number;
}

export interface CliHandlers {
  /** Starts the gateway; resolves once it serves (the process then stays up). */
  serve(): Promise<number>;
  apply(options: ApplyOptions): Promise<number>;
  validate(options: ValidateOptions): Promise<number>;
  pricesImport(options: PricesImportOptions): Promise<number>;
  keysCreate(options: KeyCreateOptions): Promise<number>;
  keysRevoke(options: KeyRevokeOptions): Promise<number>;
  keysRotate(options: KeyRotateOptions): Promise<number>;
}

/** Where the parser writes help and usage errors (the process's stdout and stderr outside tests). */
export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}
