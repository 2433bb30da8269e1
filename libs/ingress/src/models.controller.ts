import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { renderOpenAiModelList } from '@switchyard/dialects';
import { ROUTER_PORT } from '@switchyard/ir';
import type { RouterPort } from '@switchyard/ir';
import { modelAllowed } from '@switchyard/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ChatPipeline } from './chat-pipeline.service';
import { OPENAI_DIALECT } from './dialect-registry';
import { incomingCall } from './incoming-call';
import { sendBody } from './response-writer';

@Controller()
export class ModelsController {
  constructor(
    private readonly pipeline: ChatPipeline,
    @Inject(ROUTER_PORT) private readonly router: RouterPort,
  ) {}

  /** The models this key may call (platform.openai.com/docs/api-reference/models/list). */
  @Get('v1/models')
  async list(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    reply.hijack();
    const call = incomingCall(req.raw, reply.raw);
    const key = this.pipeline.credential(OPENAI_DIALECT, call, reply.raw);
    if (!key) return;
    const principal = await this.pipeline.admit(OPENAI_DIALECT, call, key, '', reply.raw);
    if (!principal) return;
    const allowed = principal.models ?? [];
    const { models = [] } = await this.router.listModels();
    sendBody(reply.raw, 200, renderOpenAiModelList(models.filter((m) => modelAllowed(m.name ?? '', allowed))));
  }
}
