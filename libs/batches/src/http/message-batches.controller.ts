import { Controller, Delete, Get, Inject, Logger, Param, Post, Req, Res } from '@nestjs/common';
import { IrError } from '@switchyard/ir';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { messageBatchLineHeaders } from '../batches/message-batch-headers';
import { BATCHES_API, type BatchesApi } from './batches-api.options';
import { limitOf } from './files.controller';
import { BATCH_CREATE_DEPTH, jsonOf } from './json-body';
import { ANTHROPIC_ERRORS, answer, sendJson, tenantOf } from './tenant-call';

/** Anthropic Message Batches: /v1/messages/batches (create, list, retrieve, cancel, delete, results), errors in Anthropic's shape. */
@Controller('v1/messages/batches')
export class MessageBatchesController {
  private readonly log = new Logger(MessageBatchesController.name);

  constructor(@Inject(BATCHES_API) private readonly api: BatchesApi) {}

  @Post()
  create(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.serve(req, reply, async (tenant) =>
      sendJson(reply.raw, 200, await this.api.messageBatches.create(tenant, jsonOf(req.body, BATCH_CREATE_DEPTH), baseOf(req.raw), messageBatchLineHeaders(req.raw.headers))),
    );
  }

  @Get()
  list(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const q = req.query as Record<string, string | undefined>;
    return this.serve(req, reply, async (tenant) =>
      sendJson(reply.raw, 200, await this.api.messageBatches.list(tenant.tenantId, { beforeId: q['before_id'], afterId: q['after_id'], limit: limitOf(q['limit'], 1000) }, baseOf(req.raw))),
    );
  }

  @Get(':id')
  retrieve(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.serve(req, reply, async (tenant) => sendJson(reply.raw, 200, await this.api.messageBatches.retrieve(tenant.tenantId, id, baseOf(req.raw))));
  }

  @Post(':id/cancel')
  cancel(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.serve(req, reply, async (tenant) => sendJson(reply.raw, 200, await this.api.messageBatches.cancel(tenant.tenantId, id, baseOf(req.raw))));
  }

  @Delete(':id')
  remove(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.serve(req, reply, async (tenant) => sendJson(reply.raw, 200, await this.api.messageBatches.delete(tenant.tenantId, id)));
  }

  @Get(':id/results')
  results(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.serve(req, reply, async (tenant) => {
      const text = await this.api.messageBatches.results(tenant.tenantId, id);
      reply.raw.writeHead(200, { 'content-type': 'application/x-jsonl', 'content-length': Buffer.byteLength(text) });
      reply.raw.end(text);
    });
  }

  private serve(req: FastifyRequest, reply: FastifyReply, work: (tenant: Awaited<ReturnType<typeof tenantOf>>) => Promise<void>): Promise<void> {
    reply.hijack();
    return answer(reply.raw, this.log, async (requestId) => work(await tenantOf(this.api.auth, req.raw, requestId, ANTHROPIC_ERRORS)), ANTHROPIC_ERRORS);
  }
}

/**
 * Where the client reached us, for `results_url` (the SDK fetches that URL as given). The Host
 * header, and `x-forwarded-proto` from a TLS-terminating proxy; a wrong value misleads only the
 * client that sent it.
 */
function baseOf(req: IncomingMessage): string {
  const proto = req.headers['x-forwarded-proto'];
  const scheme = typeof proto === 'string' && (proto === 'https' || proto === 'http') ? proto : 'http';
  const host = req.headers.host;
  if (!host || !/^[A-Za-z0-9.:[\]-]+$/.test(host)) throw IrError.invalid('The request has no usable Host header.');
  return `${scheme}://${host}`;
}
