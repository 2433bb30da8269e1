import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { renderOpenAiModelList } from '@switchyard/dialects';
import { AUTH_PORT, ErrorKind, ROUTER_PORT } from '@switchyard/ir';
import type { AuthPort, RouterPort } from '@switchyard/ir';
import { hashKey, modelAllowed } from '@switchyard/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { credentialOf } from './credentials';
import { OPENAI_DIALECT } from './dialect-registry';
import { incomingCall } from './incoming-call';
import { sendBody } from './response-writer';

@Controller()
export class ModelsController {
  constructor(
    @Inject(AUTH_PORT) private readonly auth: AuthPort,
    @Inject(ROUTER_PORT) private readonly router: RouterPort,
  ) {}

  /** The models this key may call (platform.openai.com/docs/api-reference/models/list). */
  @Get('v1/models')
  async list(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    reply.hijack();
    const call = incomingCall(req, reply);
    const key = credentialOf(call.headers, call.query);
    const admission = key ? await this.auth.admit({ keyHash: hashKey(key), model: '', requestId: call.requestId, clientIp: call.clientIp }) : undefined;
    if (!admission?.admitted || !admission.principal) {
      const error = admission?.error ?? { kind: ErrorKind.ERROR_KIND_AUTHENTICATION, message: 'You did not provide an API key.' };
      const r = OPENAI_DIALECT.renderError(error);
      return sendBody(reply.raw, r.status, r.body, r.headers);
    }
    const allowed = admission.principal.models ?? [];
    const { models = [] } = await this.router.listModels();
    sendBody(reply.raw, 200, renderOpenAiModelList(models.filter((m) => modelAllowed(m.name ?? '', allowed))));
  }
}
