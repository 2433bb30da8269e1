import { Dialect } from '@switchyard/ir';
import type { VendorHeader } from '@switchyard/ir';
import { vendorHeadersOf } from '@switchyard/providers';
import type { IncomingHttpHeaders } from 'node:http';

// Anthropic documents every Messages API feature, betas included, as available in Message
// Batches, the betas named on the create request applying to each request of the batch
// (docs.anthropic.com/en/docs/build-with-claude/batch-processing). The official SDK's
// `beta.messages.batches.create({ betas })` sends them as `anthropic-beta: <betas>,
// message-batches-2024-09-24`: the last one switches on the batch API itself (from its beta),
// so it is the create request's, not the lines'.

/** Betas of the Message Batches API itself, never sent with a line. */
const BATCH_API_BETA = /^message-batches-/;

/**
 * The create request's vendor headers a Message Batch keeps for its lines: the Anthropic
 * dialect's allowlist (`vendorHeadersOf`, docs/configuration.md "Vendor headers"), with the batch
 * API's own betas left out of `anthropic-beta` (and the header with them when none is left).
 * Each line's request carries these as a live `/v1/messages` request carries its own.
 */
export function messageBatchLineHeaders(headers: IncomingHttpHeaders): VendorHeader[] {
  const out: VendorHeader[] = [];
  for (const h of vendorHeadersOf(Dialect.DIALECT_ANTHROPIC, headers)) {
    if (h.name !== 'anthropic-beta') {
      out.push(h);
      continue;
    }
    const betas = h.value.split(',').map((b) => b.trim()).filter((b) => b && !BATCH_API_BETA.test(b));
    if (betas.length) out.push({ name: h.name, value: betas.join(',') });
  }
  return out;
}

/**
 * A batch row's stored vendor headers (`batches.vendor_headers`, written by
 * `messageBatchLineHeaders`' caller); anything not of that shape is left out, so a row edited by
 * hand cannot put a malformed header on a line.
 */
export function storedLineHeaders(stored: unknown): VendorHeader[] {
  if (!Array.isArray(stored)) return [];
  return stored.filter((h): h is VendorHeader => typeof h === 'object' && h !== null && typeof (h as VendorHeader).name === 'string' && typeof (h as VendorHeader).value === 'string');
}
