import { Controller, Get, Inject, Logger, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BATCHES_API, type BatchesApi } from './batches-api.options';
import { limitOf } from './files.controller';
import { jsonOf } from './json-body';
import { answer, answerForTenant, sendJson, tenantOf } from './tenant-call';

/** OpenAI Batches: POST/GET /v1/batches, GET /v1/batches/{id}, POST /v1/batches/{id}/cancel. */
@Controller('v1/batches')
export class BatchesController {
  private readonly log = new Logger(BatchesController.name);

  constructor(@Inject(BATCHES_API) private readonly api: BatchesApi) {}

  @Post()
  create(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    reply.hijack();
    return answerForTenant(this.api.auth, req.raw, reply.raw, this.log, (who) => this.api.batches.create(who, jsonOf(req.body)));
  }

  @Get()
  list(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    reply.hijack();
    return answer(reply.raw, this.log, async (requestId) => {
      const who = await tenantOf(this.api.auth, req.raw, requestId);
      const q = req.query as Record<string, string | undefined>;
      sendJson(reply.raw, 200, await this.api.batches.list(who.tenantId, { after: q['after'], limit: limitOf(q['limit'], 100) }));
    });
  }

  @Get(':id')
  retrieve(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    reply.hijack();
    return answerForTenant(this.api.auth, req.raw, reply.raw, this.log, (who) => this.api.batches.retrieve(who.tenantId, id));
  }

  @Post(':id/cancel')
  cancel(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    reply.hijack();
    return answerForTenant(this.api.auth, req.raw, reply.raw, this.log, (who) => this.api.batches.cancel(who.tenantId, id));
  }
}
