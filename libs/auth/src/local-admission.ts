import type { AdmitRequest, AdmitResponse, AuthPort, DescribeKeyRequest, DescribeKeyResponse, HeartbeatRequest, SettleRequest } from '@switchyard/ir';
import type { KeyDirectory } from './key-directory';
import { uncountedAdmission } from './key-plan';

/**
 * The cluster ingress's auth port (docs/architecture.md, "Cluster: admission at the ingress"):
 * a key with nothing to count — no rate, token, concurrency or budget limit on the key or its
 * tenant, no plan scope, not prepaid — is admitted here, from a key directory of this process's
 * own, by the same checks auth runs for it (`uncountedAdmission`, key-plan.ts: revocation,
 * expiry, client IP, models, regions). Every other key, a key this directory does not know
 * (auth reloads on a miss) and every other call go to `auth`. Such a key's requests hold no
 * ticket, so nothing is settled for them either; their usage travels on the usage queue as any
 * request's does.
 */
export class LocalAdmission implements AuthPort {
  constructor(
    private readonly directory: KeyDirectory,
    private readonly auth: AuthPort,
  ) {}

  admit(request: AdmitRequest): Promise<AdmitResponse> {
    const plan = this.directory.get(request.keyHash);
    return plan?.countsNothing ? Promise.resolve(uncountedAdmission(plan, request)) : this.auth.admit(request);
  }

  settle(request: SettleRequest): Promise<void> {
    return this.auth.settle(request);
  }

  heartbeat(request: HeartbeatRequest): Promise<void> {
    return this.auth.heartbeat(request);
  }

  describeKey(request: DescribeKeyRequest): Promise<DescribeKeyResponse> {
    if (!this.auth.describeKey) return Promise.reject(new Error('this auth service cannot describe keys'));
    return this.auth.describeKey(request);
  }

  corsOrigins(): Promise<string[]> {
    return this.auth.corsOrigins ? this.auth.corsOrigins() : Promise.resolve([]);
  }
}
