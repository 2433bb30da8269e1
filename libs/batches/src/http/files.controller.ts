import { Controller, Delete, Get, Inject, Logger, Param, Post, Req, Res } from '@nestjs/common';
import { IrError } from '@switchyard/ir';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { expiresAfterOfForm } from '../files/file-expiry';
import { parseMultipart } from '../files/multipart-form';
import { BATCHES_API, type BatchesApi } from './batches-api.options';
import { readBounded } from './bounded-body';
import { answer, answerForTenant, sendJson, tenantOf } from './tenant-call';

/** OpenAI Files: POST/GET /v1/files, GET/DELETE /v1/files/{id}, GET /v1/files/{id}/content (errors in OpenAI's shape). */
@Controller('v1/files')
export class FilesController {
  private readonly log = new Logger(FilesController.name);

  constructor(@Inject(BATCHES_API) private readonly api: BatchesApi) {}

  @Post()
  upload(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    reply.hijack();
    return answer(reply.raw, this.log, async (requestId) => {
      // The key before a byte of the upload is read (the body arrives here as its stream).
      const who = await tenantOf(this.api.auth, req.raw, requestId);
      const stream = req.body as Readable | undefined;
      if (!stream || typeof stream.on !== 'function') throw IrError.invalid('Expected a multipart/form-data body with the fields "file" and "purpose".');
      const body = await readBounded(stream, Number(req.headers['content-length'] ?? 0), this.api.maxFileBytes);
      const parts = parseMultipart(req.headers['content-type'], body);
      const file = parts.find((p) => p.name === 'file' && p.filename !== undefined);
      const purpose = parts.find((p) => p.name === 'purpose')?.data.toString('utf8');
      if (!file) throw IrError.invalid("Missing required parameter: 'file'.", 'file');
      if (!purpose) throw IrError.invalid("Missing required parameter: 'purpose'.", 'purpose');
      const field = (name: string) => parts.find((p) => p.name === name)?.data.toString('utf8');
      const expiresAfterSeconds = expiresAfterOfForm(field('expires_after[anchor]'), field('expires_after[seconds]'));
      sendJson(reply.raw, 200, await this.api.files.upload({ tenantId: who.tenantId, filename: file.filename ?? 'file', purpose, data: file.data, expiresAfterSeconds }));
    });
  }

  @Get()
  list(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    reply.hijack();
    return answer(reply.raw, this.log, async (requestId) => {
      const who = await tenantOf(this.api.auth, req.raw, requestId);
      const q = req.query as Record<string, string | undefined>;
      const order = q['order'];
      if (order !== undefined && order !== 'asc' && order !== 'desc') throw IrError.invalid("'order' must be 'asc' or 'desc'.", 'order');
      sendJson(reply.raw, 200, await this.api.files.list(who.tenantId, { after: q['after'], limit: limitOf(q['limit'], 10_000), order, purpose: q['purpose'] }));
    });
  }

  @Get(':id')
  retrieve(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    reply.hijack();
    return answerForTenant(this.api.auth, req.raw, reply.raw, this.log, (who) => this.api.files.retrieve(who.tenantId, id));
  }

  @Delete(':id')
  remove(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    reply.hijack();
    return answerForTenant(this.api.auth, req.raw, reply.raw, this.log, (who) => this.api.files.delete(who.tenantId, id));
  }

  @Get(':id/content')
  content(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    reply.hijack();
    return answer(reply.raw, this.log, async (requestId) => {
      const who = await tenantOf(this.api.auth, req.raw, requestId);
      // Streamed from the store: a file in a bucket is never held whole here.
      const { file, stream } = await this.api.files.open(who.tenantId, id);
      reply.raw.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.bytes });
      // Cut after the headers (the bucket gone mid-file, the client gone), the answer can only end
      // short: pipeline destroys both sides, and the client sees fewer bytes than announced.
      await pipeline(stream, reply.raw).catch((err: unknown) => this.log.warn(`request ${requestId}: the content of ${id} was cut: ${(err as Error).message}`));
    });
  }
}

/** A page size from the query: an integer in 1…max, else 400 naming `limit`. */
export function limitOf(value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw IrError.invalid(`'limit' must be an integer from 1 to ${max}.`, 'limit');
  return n;
}
