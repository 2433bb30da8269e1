import type { ChatRequest, Dialect } from '@switchyard/ir';
import { vendorHeadersOf } from '@switchyard/providers';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Puts the client's allowlisted vendor headers (anthropic-beta, anthropic-version, openai-beta:
 * docs/configuration.md, "Vendor headers") on the request, for an upstream of the client's own
 * family; the provider decides whether they go out. Nothing else of the client's headers
 * travels, so its credential never does.
 */
export function carryVendorHeaders(chat: ChatRequest, dialect: Dialect, headers: IncomingHttpHeaders): void {
  const vendor = vendorHeadersOf(dialect, headers);
  if (vendor.length) chat.vendorHeaders = { headers: vendor };
}
