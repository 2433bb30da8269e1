export * from './env-references.check';
