import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { DialectErrorFilter } from './dialect-error.filter';

/**
 * Fastify set-up for the public edge: bodies arrive as raw strings so each dialect parses and
 * rejects them in its own words; errors outside the handlers go through DialectErrorFilter.
 */
export function configureHttp(app: NestFastifyApplication, maxBodyBytes: number): void {
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'string', bodyLimit: maxBodyBytes }, (_req, body, done) => done(null, body));
  app.useGlobalFilters(new DialectErrorFilter(maxBodyBytes));
}
