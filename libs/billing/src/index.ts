export * from './price-book';
export * from './usage-query.service';
export * from './usage-recorder.service';
export * from './request-audit.retention';
