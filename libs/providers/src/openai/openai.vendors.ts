import { IrError, MediaOperation } from '@switchyard/ir';
import type { UpstreamTarget } from '../core/provider-adapter.types';

// What differs between servers that speak the OpenAI Chat Completions API, in one table.
// openai-compatible deployments pick a row with `options.vendor`; no vendor is `generic`.
// Each quirk names where it is documented.

export const OPENAI_VENDORS = ['openai', 'azure', 'generic', 'deepseek', 'qwen', 'ernie', 'moonshot', 'vllm', 'ollama'] as const;
export type OpenAiVendor = (typeof OPENAI_VENDORS)[number];

export interface OpenAiVendorProfile {
  vendor: OpenAiVendor;
  /** Where IR max_tokens goes: OpenAI deprecated max_tokens for max_completion_tokens (o-series reject it). */
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
  /**
   * The server knows both names, so an OpenAI client's own choice (`sampling.maxTokensField`)
   * is sent as the client sent it; otherwise `maxTokensField`, the one name it knows.
   */
  bothMaxTokensNames: boolean;
  /** Instruction messages keep the client's `developer` role and their positions ($instructions). */
  keepInstructions: boolean;
  /** Accepted temperature range; outside it the request is refused naming `temperature`. */
  temperature: { min: number; max: number };
  /** Largest `n`; a larger one is refused (fewer choices would change the answer). */
  maxN: number;
  topK: boolean;
  logprobs: boolean;
  user: boolean;
  /** Anthropic-style cache_control on content parts (DashScope explicit cache). */
  cacheControl: boolean;
  /** How IR reasoning is asked for. */
  reasoning: 'reasoning_effort' | 'enable_thinking' | 'none';
  /**
   * Earlier reasoning sent back as `reasoning_content`: never, on the turns that called tools
   * when there is some, or on those turns always (an empty string when there was none).
   */
  replayReasoning: 'never' | 'tool-turns' | 'tool-turns-always';
  /** tool_choice "required" is refused by the vendor. */
  toolChoiceRequired: boolean;
  /** OpenAI-dialect extensions the passthrough policy allows (logit_bias, metadata …) are merged into the body. */
  extensions: boolean;
  /** Images and audio endpoints the server has (openai.media.ts); others are refused with a 400. */
  media: readonly MediaOperation[];
}

const ALL_MEDIA = [MediaOperation.MEDIA_OPERATION_IMAGE_GENERATION, MediaOperation.MEDIA_OPERATION_SPEECH, MediaOperation.MEDIA_OPERATION_TRANSCRIPTION] as const;

const OPENAI_BASE: OpenAiVendorProfile = {
  vendor: 'openai',
  maxTokensField: 'max_completion_tokens',
  // max_tokens is deprecated but still served (o-series models refuse it, as they would the client).
  bothMaxTokensNames: true,
  keepInstructions: true,
  temperature: { min: 0, max: 2 },
  maxN: 128,
  topK: false,
  logprobs: true,
  user: true,
  cacheControl: false,
  reasoning: 'reasoning_effort',
  replayReasoning: 'never',
  toolChoiceRequired: true,
  extensions: true,
  media: ALL_MEDIA,
};

// Servers that copy OpenAI's API but not its newer fields: `max_tokens`, system role only.
const COMPATIBLE: OpenAiVendorProfile = { ...OPENAI_BASE, vendor: 'generic', maxTokensField: 'max_tokens', bothMaxTokensNames: false, keepInstructions: false };

export const VENDOR_PROFILES: Record<OpenAiVendor, OpenAiVendorProfile> = {
  openai: OPENAI_BASE,
  // Azure OpenAI: same models and body; developer messages need api-version 2024-12-01-preview
  // or later (learn.microsoft.com/azure/ai-foundry/openai/how-to/reasoning), see azureProfile().
  azure: { ...OPENAI_BASE, vendor: 'azure' },
  generic: COMPATIBLE,
  // api-docs.deepseek.com/guides/thinking_mode: reasoning_content of turns that called tools
  // must be sent back in thinking mode (400 otherwise), other turns' is ignored; the legacy
  // deepseek-reasoner answered 400 to any reasoning_content, and it could not call tools, so
  // sending it only on tool turns satisfies both; an empty one is needed where a tool turn had
  // no reasoning (vercel/ai#13203). logprobs on deepseek-reasoner: 400.
  deepseek: { ...COMPATIBLE, vendor: 'deepseek', replayReasoning: 'tool-turns-always', maxN: 1, media: [] },
  // DashScope compatible mode (help.aliyun.com/zh/model-studio/deep-thinking, context-cache):
  // thinking is `enable_thinking` (+ thinking_budget), top_k is accepted, cache_control markers
  // on content parts are its explicit cache.
  qwen: { ...COMPATIBLE, vendor: 'qwen', topK: true, cacheControl: true, reasoning: 'enable_thinking', temperature: { min: 0, max: 2 }, maxN: 4, media: [] },
  // Qianfan v2 (cloud.baidu.com/doc/qianfan-api/s/3m7of64lb): OpenAI-shaped with Bearer keys,
  // max_completion_tokens, temperature in (0, 1]; its own extras (penalty_score, web_search)
  // travel as OpenAI-dialect extensions, forwarded where the provider's passthrough policy allows them.
  ernie: { ...COMPATIBLE, vendor: 'ernie', maxTokensField: 'max_completion_tokens', temperature: { min: 0.0001, max: 1 }, logprobs: false, reasoning: 'none', maxN: 1, media: [] },
  // platform.moonshot.ai/docs/api/chat: temperature 0..1, n at most 5, tool_choice "required"
  // unsupported; kimi thinking models want reasoning_content kept on tool-calling turns.
  moonshot: { ...COMPATIBLE, vendor: 'moonshot', temperature: { min: 0, max: 1 }, maxN: 5, toolChoiceRequired: false, replayReasoning: 'tool-turns', reasoning: 'none', media: [] },
  // docs.vllm.ai serving/openai_compatible_server: sampling extras such as top_k are accepted
  // in the body; response_format json_schema drives guided decoding.
  // Its ChatCompletionRequest takes max_completion_tokens and the deprecated max_tokens alike.
  // It serves /v1/audio/transcriptions for Whisper-type models (docs.vllm.ai, Transcriptions API);
  // no image generation or speech.
  vllm: { ...COMPATIBLE, vendor: 'vllm', topK: true, bothMaxTokensNames: true, media: [MediaOperation.MEDIA_OPERATION_TRANSCRIPTION] },
  // docs.ollama.com/api/openai-compatibility: no n, no user, no logit_bias; no key needed.
  ollama: { ...COMPATIBLE, vendor: 'ollama', maxN: 1, user: false, media: [] },
};

/** Azure api-version used when a deployment names none: the latest GA dated version. */
export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

export function vendorProfile(providerVendor: 'openai' | 'azure' | 'compatible', target: UpstreamTarget): OpenAiVendorProfile {
  if (providerVendor === 'openai') return VENDOR_PROFILES.openai;
  if (providerVendor === 'azure') return azureProfile(azureApiVersion(target));
  const vendor = target.options['vendor'];
  if (vendor === undefined || vendor === '') return VENDOR_PROFILES.generic;
  if (typeof vendor === 'string' && (OPENAI_VENDORS as readonly string[]).includes(vendor)) return VENDOR_PROFILES[vendor as OpenAiVendor];
  // A deployment misconfiguration, not the client's: surfaced as an internal error.
  throw new Error(`openai-compatible deployment has unknown options.vendor "${String(vendor)}"`);
}

export function azureApiVersion(target: UpstreamTarget): string {
  const v = target.options['apiVersion'];
  return typeof v === 'string' && v ? v : AZURE_DEFAULT_API_VERSION;
}

function azureProfile(apiVersion: string): OpenAiVendorProfile {
  // The v1 API and dated versions from 2024-12-01-preview on know the developer role.
  const developer = apiVersion === 'v1' || apiVersion >= '2024-12-01';
  // max_completion_tokens came with 2024-09-01-preview: 2024-08-01-preview and older answer 400
  // "Unrecognized request argument supplied: max_completion_tokens" (openai/openai-python#1724).
  const completionTokens = apiVersion === 'v1' || apiVersion >= '2024-09-01';
  if (developer && completionTokens) return VENDOR_PROFILES.azure;
  return {
    ...VENDOR_PROFILES.azure,
    keepInstructions: developer,
    ...(!completionTokens && { maxTokensField: 'max_tokens' as const, bothMaxTokensNames: false }),
  };
}

/** Refuses a value the vendor cannot take when dropping it would change the answer. */
export function refuse(profile: OpenAiVendorProfile, field: string, why: string): never {
  throw IrError.invalid(`${field}: ${why} for this upstream (${profile.vendor})`, field);
}
