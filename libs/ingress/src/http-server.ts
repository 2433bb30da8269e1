import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { DialectErrorFilter } from './dialect-error.filter';

/**
 * Fastify set-up for the routes it serves (models, health; the chat route is HotRoutes'):
 * bodies are accepted as raw strings within the size limit, so a body never fails in Fastify's
 * own parser with its own wording, and errors outside handlers go through DialectErrorFilter.
 */
export function configureHttp(app: NestFastifyApplication, maxBodyBytes: number): void {
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'string', bodyLimit: maxBodyBytes }, (_req, body, done) => done(null, body));
  app.useGlobalFilters(new DialectErrorFilter(maxBodyBytes));
}
