import { randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** 24 random base62 characters (~143 bits): unguessable, so one tenant cannot probe another's ids. */
function randomSuffix(length = 24): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  // Rejection sampling keeps every character equally likely (248 = 4 × 62).
  for (let i = 0; i < bytes.length && out.length < length; i++) {
    const b = bytes[i] as number;
    if (b < 248) out += BASE62[b % 62];
  }
  return out.length === length ? out : out + randomSuffix(length - out.length);
}

/** `file-…`, the shape of OpenAI's file ids. */
export function newFileId(): string {
  return `file-${randomSuffix()}`;
}

/** `batch_…`, the shape of OpenAI's batch ids. */
export function newBatchId(): string {
  return `batch_${randomSuffix()}`;
}
