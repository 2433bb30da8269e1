import { Controller, Get, Inject, Logger, Optional, Req, Res } from '@nestjs/common';
import { AUTH_PORT, BILLING_PORT, ErrorKind, IrError } from '@switchyard/ir';
import type { AuthPort, BillingPort } from '@switchyard/ir';
import { hashKey } from '@switchyard/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { ChatPipeline, INGRESS_OPTIONS, type IngressOptions } from '../chat-pipeline.service';
import { allowTenantOrigin } from '../cors/cors-policy';
import { OPENAI_DIALECT } from '../dialect-registry';
import { type IncomingCall, incomingCall } from '../incoming-call';
import { sendBody } from '../response-writer';
import { type LedgerSpend, periodsOf, renderMe } from './me.render';

/**
 * GET /v1/me: a key holder's own tenant, key, limits, what is left of them now, budgets and
 * spend (docs/architecture.md §3). The key is checked as admission checks it (revoked, expired,
 * client IP) but nothing is counted; limits come from auth's quota store, spend from the ledger
 * through billing. Errors in OpenAI's shape.
 */
@Controller()
export class MeController {
  private readonly log = new Logger(MeController.name);

  constructor(
    private readonly pipeline: ChatPipeline,
    @Inject(AUTH_PORT) private readonly auth: AuthPort,
    @Inject(INGRESS_OPTIONS) private readonly options: IngressOptions,
    @Optional() @Inject(BILLING_PORT) private readonly billing?: BillingPort,
  ) {}

  @Get('v1/me')
  me(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    reply.hijack();
    const call = incomingCall(req.raw, reply.raw);
    return this.pipeline.answer(OPENAI_DIALECT, call, reply.raw, () => this.describe(call, reply.raw));
  }

  private async describe(call: IncomingCall, res: ServerResponse): Promise<void> {
    const keyHash = hashKey(this.pipeline.credential(OPENAI_DIALECT, call));
    if (!this.auth.describeKey) throw new IrError(ErrorKind.ERROR_KIND_NOT_FOUND, 'GET /v1/me is not served by this gateway.');
    const clientIp = this.options.clientAddress ? this.options.clientAddress(call.clientIp, call.headers) : call.clientIp;
    const d = await this.auth.describeKey({ keyHash, clientIp });
    if (d.error) throw IrError.fromEvent(d.error);
    if (d.corsOrigins.length) allowTenantOrigin(res, call.headers.origin, d.corsOrigins);
    const now = Date.now();
    sendBody(res, 200, renderMe(d, await this.spend(d.tenantId, d.keyId, now), now));
  }

  /** This day's and this month's spend from the ledger; null (not an error) when billing cannot answer. */
  private async spend(tenantId: string, keyId: string, now: number): Promise<LedgerSpend | undefined> {
    if (!this.billing) return undefined;
    const { today, monthStart } = periodsOf(now);
    try {
      const [key, tenant] = await Promise.all([
        this.billing.getUsage({ tenantId, keyId, model: '', fromDay: monthStart, toDay: today, clientRequestId: '' }),
        this.billing.getUsage({ tenantId, keyId: '', model: '', fromDay: monthStart, toDay: today, clientRequestId: '' }),
      ]);
      const sum = (rows: { day: string; costUsd: number }[]) => ({
        todayUsd: rows.filter((r) => r.day === today).reduce((s, r) => s + r.costUsd, 0),
        monthUsd: rows.reduce((s, r) => s + r.costUsd, 0),
      });
      // A token plan counts input + output tokens (docs/architecture.md §5, plans).
      const monthTokens = tenant.rows.reduce((s, r) => s + r.inputTokens + r.outputTokens, 0);
      return { key: sum(key.rows), tenant: { ...sum(tenant.rows), monthTokens } };
    } catch (err) {
      this.log.warn(`spend for /v1/me could not be read from the ledger: ${String(err)}`);
      return undefined;
    }
  }
}
