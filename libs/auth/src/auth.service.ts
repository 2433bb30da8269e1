import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ErrorKind } from '@switchyard/ir';
import type { AdmitRequest, AdmitResponse, AuthPort } from '@switchyard/ir';
import { KEY_SOURCE } from './key-directory.types';
import type { KeyRecord, KeySource } from './key-directory.types';
import { ipAllowList } from '@switchyard/config';
import { modelAllowed } from '@switchyard/shared';

const REFRESH_MS = 10_000;
// An unknown key may be one created a moment ago: reload, but at most this often, so a client
// hammering with a bad key cannot turn every request into a database read.
const MISS_RELOAD_MS = 1_000;

function refuse(kind: ErrorKind, message: string): AdmitResponse {
  return { admitted: false, error: { kind, message, retryable: false } };
}

/** Admission: key → tenant, expiry, revocation, client IP ranges, allowed models. Limits and budgets come with issue 4. */
@Injectable()
export class AuthService implements AuthPort, OnModuleDestroy {
  private readonly log = new Logger(AuthService.name);
  private keys = new Map<string, KeyRecord>();
  /** IP matchers per key hash, built once per load (a BlockList per request would cost). */
  private ipChecks = new Map<string, (ip: string) => boolean>();
  private timer: NodeJS.Timeout | undefined;
  private lastLoad = 0;
  private loading: Promise<void> | undefined;

  constructor(@Inject(KEY_SOURCE) private readonly source: KeySource) {}

  async start(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => void this.reload().catch((e: unknown) => this.log.warn(`key refresh failed: ${String(e)}`)), REFRESH_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  reload(): Promise<void> {
    this.loading ??= this.source
      .loadAll()
      .then((keys) => {
        const checks = new Map<string, (ip: string) => boolean>();
        for (const [hash, k] of keys) {
          if (!k.allowedIps?.length && !k.tenantAllowedIps?.length) continue;
          const own = ipAllowList(k.allowedIps ?? []);
          const tenant = ipAllowList(k.tenantAllowedIps ?? []);
          checks.set(hash, (ip) => own(ip) && tenant(ip));
        }
        this.ipChecks = checks;
        this.keys = keys;
        this.lastLoad = Date.now();
      })
      .finally(() => (this.loading = undefined));
    return this.loading;
  }

  async admit(req: AdmitRequest): Promise<AdmitResponse> {
    let key = this.keys.get(req.keyHash ?? '');
    if (!key && Date.now() - this.lastLoad > MISS_RELOAD_MS) {
      await this.reload().catch((e: unknown) => this.log.warn(`key reload failed: ${String(e)}`));
      key = this.keys.get(req.keyHash ?? '');
    }
    if (!key) return refuse(ErrorKind.ERROR_KIND_AUTHENTICATION, 'Incorrect API key provided.');
    if (key.revoked) return refuse(ErrorKind.ERROR_KIND_AUTHENTICATION, 'This API key has been revoked.');
    if (key.expiresAt !== undefined && key.expiresAt <= Date.now()) return refuse(ErrorKind.ERROR_KIND_AUTHENTICATION, 'This API key has expired.');
    const ipAllowed = this.ipChecks.get(req.keyHash ?? '');
    if (ipAllowed && !ipAllowed(req.clientIp ?? '')) return refuse(ErrorKind.ERROR_KIND_PERMISSION, 'This API key may not be used from your IP address.');
    const model = req.model ?? '';
    if (model && !modelAllowed(model, key.models)) return refuse(ErrorKind.ERROR_KIND_PERMISSION, `This key is not allowed to use the model \`${model}\`.`);
    return { admitted: true, principal: { tenantId: key.tenantId, keyId: key.id, models: key.models, allowedRegions: key.allowedRegions ?? [] } };
  }
}
