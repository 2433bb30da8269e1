export * from './catalogue.types';
export * from './health';
export * from './selection';
export * from './router.service';
export * from './prisma-catalogue.source';
export * from './response-cache.factory';
