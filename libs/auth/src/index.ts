export * from './auth.service';
export * from './key-directory.types';
export * from './prisma-key.source';
export * from './quota';
export * from './budget-watch';
export * from './region-budget-share.source';
export * from './credit';
