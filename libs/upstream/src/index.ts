export * from './upstream.service';
export * from './upstream-errors';
