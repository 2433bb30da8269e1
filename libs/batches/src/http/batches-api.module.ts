import { type DynamicModule, Inject, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { BATCHES_API, type BatchesApi } from './batches-api.options';
import { BatchesController } from './batches.controller';
import { FilesController } from './files.controller';
import { MessageBatchesController } from './message-batches.controller';

/**
 * /v1/files, /v1/batches and /v1/messages/batches on the ingress's HTTP server, mounted by the app
 * (`startIngressApp({ imports: [BatchesApiModule.forRoot(…)] })`), like the admin API.
 */
@Module({})
export class BatchesApiModule implements OnModuleInit {
  constructor(@Inject(HttpAdapterHost) private readonly host: HttpAdapterHost) {}

  static forRoot(api: BatchesApi): DynamicModule {
    return { module: BatchesApiModule, controllers: [FilesController, BatchesController, MessageBatchesController], providers: [{ provide: BATCHES_API, useValue: api }] };
  }

  /**
   * Uploads reach the handler as their unread stream: the key is checked before the body is read
   * and the size limit is the Files API's own, not the JSON routes' (MAX_BODY_BYTES).
   */
  onModuleInit(): void {
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    if (!fastify.hasContentTypeParser('multipart/form-data')) fastify.addContentTypeParser('multipart/form-data', (_req, payload, done) => done(null, payload));
  }
}
