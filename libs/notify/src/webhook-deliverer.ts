import { Logger } from '@nestjs/common';
import { type OutboundPolicy, OutboundRefusedError, type SecretBox, type WebhookConfig, isSealedRef, outboundConnector, resolveSecret } from '@switchyard/config';
import { Agent, request } from 'undici';
import type { WebhookDelivery } from './alert.types';
import { PermanentDeliveryError } from './delivery-queue.types';
import { renderWebhookBody } from './webhook-body';
import { SIGNATURE_HEADER, signWebhook } from './webhook-signature';

export const DELIVERY_HEADER = 'x-switchyard-delivery';
export const EVENT_HEADER = 'x-switchyard-event';
const DEFAULT_TIMEOUT_MS = 10_000;

export interface WebhookDelivererOptions {
  /** The process's outbound policy (SWITCHYARD_OUTBOUND_*), enforced at every connection. */
  outbound: OutboundPolicy;
  /** Opens sealed secrets (SWITCHYARD_SECRET_KEYS); undefined when this process has none. */
  box?: SecretBox;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  now?: () => number;
}

/** The context a webhook's signing secret is sealed for. */
export function webhookSecretContext(name: string): string {
  return `webhook:${name}`;
}

/**
 * Posts one delivery to its webhook (the billing worker's handler): renders the body in the
 * webhook's format, signs it at the moment of the attempt, and sends it through an undici Agent
 * whose connector enforces the outbound policy (the same one as the adapters'). Redirects are not
 * followed (a redirect could lead where the policy forbids). 2xx: delivered. 408, 425, 429, 5xx,
 * timeouts and connection errors: rejected, so the queue retries. Other answers, a refused
 * address, a missing secret or an unknown webhook: {@link PermanentDeliveryError}, no retry.
 */
export class WebhookDeliverer {
  private readonly log = new Logger('Notifications');
  private readonly hooks: ReadonlyMap<string, WebhookConfig>;
  private readonly agent: Agent;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(webhooks: readonly WebhookConfig[], private readonly opts: WebhookDelivererOptions) {
    this.hooks = new Map(webhooks.map((w) => [w.name, w]));
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.now = opts.now ?? Date.now;
    this.agent = new Agent({ connections: 4, connect: outboundConnector({ timeout: this.timeoutMs }, opts.outbound) });
  }

  readonly deliver = async (delivery: WebhookDelivery): Promise<void> => {
    const hook = this.hooks.get(delivery.webhook);
    // A webhook removed from switchyard.yaml while its deliveries were queued.
    if (!hook) throw new PermanentDeliveryError(`no webhook named ${delivery.webhook} in notifications.webhooks`);
    const secret = this.secretOf(hook);
    const body = renderWebhookBody(delivery, hook.format);
    let status: number;
    try {
      const res = await request(hook.url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'switchyard-notifier/1',
          [SIGNATURE_HEADER]: signWebhook(secret, body, this.now()),
          [DELIVERY_HEADER]: delivery.id,
          [EVENT_HEADER]: delivery.alert.type,
        },
        body,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      status = res.statusCode;
      await res.body.dump();
    } catch (err) {
      if (err instanceof OutboundRefusedError) throw new PermanentDeliveryError(`${err.message} (${err.reason})`);
      throw err;
    }
    if (status >= 200 && status < 300) {
      this.log.log(`webhook ${hook.name}: delivered ${delivery.id}`);
      return;
    }
    const retryable = status === 408 || status === 425 || status === 429 || status >= 500;
    const message = `the receiver answered HTTP ${status}`;
    throw retryable ? new Error(message) : new PermanentDeliveryError(message);
  };

  async close(): Promise<void> {
    await this.agent.close();
  }

  /** Read at every attempt, so a rotated secret is used from the next delivery on. */
  private secretOf(hook: WebhookConfig): string {
    if (isSealedRef(hook.secret)) {
      if (!this.opts.box) throw new PermanentDeliveryError(`webhook ${hook.name}: the secret is sealed, but SWITCHYARD_SECRET_KEYS is not set in this process`);
      try {
        return this.opts.box.open(hook.secret, webhookSecretContext(hook.name));
      } catch (err) {
        throw new PermanentDeliveryError(`webhook ${hook.name}: the sealed secret does not open (${err instanceof Error ? err.message : String(err)})`);
      }
    }
    const value = resolveSecret(hook.secret, this.opts.env);
    if (value === undefined) throw new PermanentDeliveryError(`webhook ${hook.name}: ${hook.secret} is not set`);
    return value;
  }
}
