import type { ChatRequest, ErrorEvent, ResponseEvent } from '@switchyard/ir';
import { IrError } from '@switchyard/ir';
import type { ProviderAdapter, ProviderManifest, ProviderStreamParser, UpstreamHttpRequest, UpstreamTarget } from '../core/provider-adapter.types';

// Skeleton replaced by the Anthropic translator (issue 3, in progress).
export class AnthropicAdapter implements ProviderAdapter {
  readonly manifest: ProviderManifest = {
    id: 'anthropic',
    family: 'anthropic',
    capabilities: { streaming: true, tools: true, vision: true, jsonSchema: true, reasoning: true },
  };

  buildRequest(_request: ChatRequest, _target: UpstreamTarget): UpstreamHttpRequest {
    throw IrError.invalid('not implemented');
  }

  parseResponse(_body: unknown): ResponseEvent[] {
    throw new Error('not implemented');
  }

  createStreamParser(): ProviderStreamParser {
    throw new Error('not implemented');
  }

  mapError(_status: number, _body: string, _retryAfter: string | undefined): ErrorEvent {
    throw new Error('not implemented');
  }
}
