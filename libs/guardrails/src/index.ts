export * from './pii-category';
export * from './pii-policy';
export * from './pii-scanner';
export * from './pii-redaction';
export * from './placeholder-restorer';
export * from './request-redactor';
export * from './response-restorer';
export { unsafePatternReason, type CustomPatternConfig } from './detectors/custom-pattern';
export type { Finding } from './detectors/finding-list';
