import type { ErrorEvent, Target } from '@switchyard/ir';
import type { ProviderAdapter, UpstreamHttpRequest } from '@switchyard/providers';
import { upstreamError } from '@switchyard/providers';
import type { Dispatcher } from 'undici';
import { safeRequestId } from './log-redaction';

/** One prepared upstream call. */
export interface Call {
  adapter: ProviderAdapter;
  http: UpstreamHttpRequest;
  /** The deployment's resolved key: redacted from anything logged about this call. */
  apiKey: string;
  target: Target;
}

/** Names the deployment in log lines (built only when something is logged). */
export function whereOf(target: Target): string {
  return `provider ${target.providerId ?? '?'} deployment ${target.deploymentId ?? '?'}`;
}

/** The upstream's request id from the header its provider documents, when it is a plain token. */
export function requestIdOf(call: Call, res: Dispatcher.ResponseData): string | undefined {
  const header = call.adapter.manifest.requestIdHeader;
  return header ? safeRequestId(res.headers[header], [call.apiKey]) : undefined;
}

export function totalTimeout(): ErrorEvent {
  return upstreamError('timeout', { retryable: false });
}
