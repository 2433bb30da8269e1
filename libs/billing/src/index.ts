export * from './price-book';
export * from './usage-query.service';
export * from './usage-recorder.service';
export * from './usage-retention.service';
export * from './usage-retention.timer';
export * from './plans/plan-usage';
export * from './request-audit.retention';
