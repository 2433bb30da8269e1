import type { Principal } from '@switchyard/ir';
import type { ServerResponse } from 'node:http';
import type { AuditBodyCapture } from './audit/audit-body.capture';
import type { IncomingCall } from './incoming-call';
import type { PiiOutcome } from '@switchyard/guardrails';
import type { QuotaHold } from './quota-hold';
import type { ServedFacts } from './request-metrics';
import type { UsageTracker } from './usage-tracker';

/** An admitted request: who it is for, and its hold on the quota store when anything was counted. */
export interface Admission {
  principal: Principal;
  hold?: QuotaHold;
  /** When a budget applies and the request set no output limit: the one it must be sent with. */
  maxOutputTokens: number;
}

/**
 * One admitted data-path request while its operation runs: the request as parsed, its admission,
 * the abort signal of a client that hangs up, and its usage tracker when it is metered. The one
 * object the admission skeleton (`ChatPipeline`) allocates per request for itself.
 */
export class AdmittedCall<D, P> {
  readonly abort = new AbortController();
  tracker: UsageTracker | undefined;
  /** What the PII guardrails found and did; undefined when the key has none. */
  pii: PiiOutcome | undefined;
  /** The request audit's body capture, for a tenant that opted in (and a secret box to seal with). */
  bodies: AuditBodyCapture | undefined;
  /** Answered by a peer region (spill-over): the peer records its usage, this region none. */
  spilled = false;
  /** How an unmetered operation (a token count) was served, for the request metrics; a metered one's tracker says it. */
  served: ServedFacts | undefined;

  constructor(
    readonly dialect: D,
    readonly call: IncomingCall,
    readonly res: ServerResponse,
    readonly parsed: P,
    readonly admission: Admission,
    /** The public model asked for (the access line's). */
    readonly model: string,
    /** The sha256 of the client's key: a spilled request names its key to the peer by it. */
    readonly keyHash: string,
  ) {}

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Aborts the request (and so its upstream call) when the client hangs up before the answer was written. */
  watchClose(): void {
    this.res.once('close', this.onClose);
  }

  unwatchClose(): void {
    this.res.off('close', this.onClose);
  }

  private readonly onClose = (): void => {
    if (!this.res.writableFinished) this.abort.abort();
  };
}
