import type { ChatDialect, PathParams } from '@switchyard/dialects';
import { parseImageGeneration, parseSpeech, parseTranscription } from '@switchyard/dialects';
import { type PiiRedaction, redactMediaRequest } from '@switchyard/guardrails';
import { IrError, MediaOperation, Role } from '@switchyard/ir';
import type { ChatRequest, MediaRequest, MediaResponse, RequestSize, RouterPort, Usage } from '@switchyard/ir';
import type { AdmittedCall } from './admitted-call';
import { answerHeaders } from './answer-headers';
import { parseJson } from './json-body';
import type { DataOperation } from './data-operation';
import type { IncomingCall } from './incoming-call';
import type { ServedFacts } from './request-metrics';
import { sendBytes } from './response-writer';
import { UsageTracker } from './usage-tracker';

type Media = AdmittedCall<ChatDialect, MediaRequest>;

/**
 * POST /v1/images/generations, /v1/audio/speech, /v1/audio/transcriptions (issue 17): parsed
 * by the OpenAI dialect, routed like embeddings (the router's loop: chain, retries, backoff, the
 * retry budget), answered with the upstream's own answer (images and transcriptions JSON or
 * text, speech the audio bytes), metered with one usage event (docs/architecture.md, "Images
 * and audio"). A model served by a provider family without these APIs is a 400 in OpenAI's
 * shape, naming the model.
 */
type MediaPath = PathParams & { media: MediaOperation };

export class MediaCallOperation implements DataOperation<ChatDialect, MediaRequest, MediaPath> {
  readonly operation = 'media';

  constructor(
    private readonly router: RouterPort,
    private readonly region: string,
  ) {}

  parse(_dialect: ChatDialect, body: unknown, path: MediaPath): MediaRequest {
    return path.media === MediaOperation.MEDIA_OPERATION_SPEECH ? parseSpeech(body) : parseImageGeneration(body);
  }

  parseCall(dialect: ChatDialect, call: IncomingCall, path: MediaPath): MediaRequest {
    if (path.media !== MediaOperation.MEDIA_OPERATION_TRANSCRIPTION) return this.parse(dialect, parseJson(call.body), path);
    const type = call.headers['content-type'];
    return parseTranscription(call.rawBody ?? Buffer.from(call.body ?? '', 'utf8'), type);
  }

  irRequest(request: MediaRequest): MediaRequest {
    return request;
  }

  /** The audit keeps the fields and the file's name, type and size: an audio upload can be 25 MB. */
  auditView(request: MediaRequest): unknown {
    const file = request.file.length ? { fileName: request.fileName, fileType: request.fileType, bytes: request.file.length } : undefined;
    return { model: request.model, operation: MediaOperation[request.operation], fields: JSON.parse(request.fieldsJson) as unknown, file };
  }

  /**
   * For limits and budgets, in the units the request is billed by (below): speech its input's
   * characters, images the number asked for (as output); a transcription's length is only known
   * from the upstream's answer.
   */
  size(request: MediaRequest): RequestSize {
    const fields = JSON.parse(request.fieldsJson) as Record<string, unknown>;
    switch (request.operation) {
      case MediaOperation.MEDIA_OPERATION_SPEECH: {
        const characters = typeof fields['input'] === 'string' ? [...fields['input']].length : 0;
        return { inputEstimate: characters, inputBound: characters, maxOutput: 0 };
      }
      case MediaOperation.MEDIA_OPERATION_IMAGE_GENERATION:
        return { inputEstimate: 0, inputBound: 0, maxOutput: typeof fields['n'] === 'number' ? fields['n'] : 1 };
      case MediaOperation.MEDIA_OPERATION_TRANSCRIPTION:
      case MediaOperation.MEDIA_OPERATION_UNSPECIFIED:
        return { inputEstimate: 0, inputBound: 0, maxOutput: 0 };
    }
  }

  /** The key's PII guardrails over the texts sent upstream: an image's prompt, speech's input, a transcription's prompt. */
  redact(request: MediaRequest, redaction: PiiRedaction): void {
    redactMediaRequest(request, redaction);
  }

  meter({ dialect, parsed }: Media): UsageTracker {
    // The tracker's fallback estimate (a request that failed after the upstream answered) reads no text of ours.
    const asChat: ChatRequest = { model: parsed.model, meta: parsed.meta, messages: [{ role: Role.ROLE_USER, content: [], name: '' }], system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] };
    return new UsageTracker(asChat, dialect.id, this.region);
  }

  async run(admitted: Media): Promise<void> {
    const { parsed: request, res, signal, tracker } = admitted;
    if (!this.router.media) throw IrError.invalid('This gateway does not serve images or audio.', 'model');
    const answer = await this.router.media(request, signal);
    if (answer.start) tracker?.observe({ event: { $case: 'start', value: answer.start } });
    if (tracker && answer.upstreamSeconds !== undefined) tracker.upstreamSeconds = answer.upstreamSeconds;
    if (answer.error) {
      tracker?.observe({ event: { $case: 'error', value: answer.error } });
      if (!tracker) admitted.served = servedFacts(request.model, answer);
      throw IrError.fromEvent(answer.error);
    }
    tracker?.observe({ event: { $case: 'usage', value: billedUsage(request, answer) } });
    if (signal.aborted) return;
    sendBytes(res, answer.contentType || 'application/octet-stream', answer.body, answerHeaders([], answer.start));
  }
}

/**
 * The usage billed: the upstream's tokens where it reports them (gpt-image-1, gpt-4o-transcribe);
 * otherwise the billing units in the token fields, which the model's per-million prices then
 * price (docs/architecture.md, "Images and audio"): images as output, speech characters and
 * transcribed seconds (rounded up) as input.
 */
export function billedUsage(request: MediaRequest, answer: MediaResponse): Usage {
  const usage: Usage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 };
  if (answer.usage && (answer.usage.inputTokens || answer.usage.outputTokens)) return { ...usage, ...answer.usage };
  const units = answer.units;
  switch (request.operation) {
    case MediaOperation.MEDIA_OPERATION_IMAGE_GENERATION:
      usage.outputTokens = units?.images ?? 0;
      break;
    case MediaOperation.MEDIA_OPERATION_SPEECH:
      usage.inputTokens = units?.characters ?? 0;
      break;
    case MediaOperation.MEDIA_OPERATION_TRANSCRIPTION:
      usage.inputTokens = Math.ceil(units?.audioSeconds ?? 0);
      break;
    case MediaOperation.MEDIA_OPERATION_UNSPECIFIED:
      break;
  }
  return usage;
}

function servedFacts(model: string, answer: MediaResponse): ServedFacts {
  const tried = answer.error?.attemptLog.findLast((a) => a.deploymentId)?.providerId ?? '';
  return { routed: tried !== '', model, provider: tried, cacheHit: false, upstreamSeconds: answer.error?.upstreamSeconds, stream: false, firstTokenClock: 0 };
}
