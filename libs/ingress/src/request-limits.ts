import { Dialect, ErrorKind, IrError, chatRequestSize, embedRequestSize } from '@switchyard/ir';
import type { ChatRequest, EmbedRequest, RequestSize } from '@switchyard/ir';

/** The operator's ceilings on one request (SWITCHYARD_MAX_EMBED_INPUTS, SWITCHYARD_MAX_REQUEST_TOKENS). */
export interface RequestLimitSettings {
  maxEmbedInputs: number;
  maxRequestTokens: number;
}

/**
 * Refuses a request past the operator's size ceilings before admission counts anything
 * (issue 10, finding 6). It reuses the size admission needs anyway, so the request is walked
 * once: each check is a comparison. Refusals are IrErrors, answered in the client's dialect.
 *
 * The token ceiling answers 400 (context_length_exceeded in the OpenAI dialect), as every
 * upstream does for a request larger than its model's window: the SDKs raise their
 * BadRequestError, do not retry, and frameworks that trim the prompt on that code recognise it.
 * A 413 would say the body is too many bytes, which it is not, and the SDKs show it as a bare
 * APIError.
 */
export class RequestLimits {
  constructor(private readonly settings: RequestLimitSettings) {}

  /** The chat request's size for admission, once it is within the token ceiling. */
  chat(chat: ChatRequest): RequestSize {
    return this.withinTokens(chatRequestSize(chat));
  }

  /** The embeddings request's size for admission, once its input count and tokens are within the ceilings. */
  embed(request: EmbedRequest): RequestSize {
    const count = request.inputs?.length ?? 0;
    const max = this.settings.maxEmbedInputs;
    if (count > max) {
      // Named as the client's dialect names the list: `input` (OpenAI) or `requests` (batchEmbedContents).
      const param = request.meta?.dialect === Dialect.DIALECT_GEMINI ? 'requests' : 'input';
      throw IrError.invalid(`${param}: this gateway accepts at most ${max} inputs per embeddings request, got ${count}; send them in several requests`, param);
    }
    return this.withinTokens(embedRequestSize(request));
  }

  private withinTokens(size: RequestSize): RequestSize {
    const asked = size.inputEstimate + size.maxOutput;
    const max = this.settings.maxRequestTokens;
    if (asked > max) {
      const output = size.maxOutput ? ` plus ${size.maxOutput} output tokens requested` : '';
      throw new IrError(
        ErrorKind.ERROR_KIND_CONTEXT_LENGTH,
        `This request asks for about ${asked} tokens (about ${size.inputEstimate} input tokens${output}), more than this gateway's limit of ${max} tokens per request. Shorten the input or lower the output limit.`,
        'messages',
      );
    }
    return size;
  }
}
