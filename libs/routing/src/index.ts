export * from './catalogue.types';
export * from './deployment-picker';
export * from './router.service';
export * from './prisma-catalogue.source';
