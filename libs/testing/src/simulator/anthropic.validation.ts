// Messages API request checks Anthropic makes, for the mistakes a translator can make, in the
// API's own words (its validator names the field path, e.g. "max_tokens: Field required",
// "stop: Extra inputs are not permitted"). Sources:
// - body fields: MessageCreateParamsBase / MessageCountTokensParams in @anthropic-ai/sdk
//   (beta fields included, so beta features pass);
// - tool pairing: the API's errors quoted in github.com/anthropics/claude-code/issues/3512;
// - thinking: docs.anthropic.com/en/docs/build-with-claude/extended-thinking (budget_tokens of
//   at least 1024 and below max_tokens; with tool use the final assistant message starts with
//   its thinking block; no forced tool_choice, temperature or top_k, top_p 0.95–1);
// - temperature 0–1 and non-empty content: docs.anthropic.com/en/api/messages.
// Consecutive same-role messages are not refused: the API merges them.
import type { IncomingCall } from './provider-wire.types';
import type { SimulatedError } from './simulator-scenario.types';

type Block = Record<string, unknown>;

const SHARED_FIELDS = [
  'model', 'messages', 'system', 'thinking', 'tool_choice', 'tools', 'cache_control', 'output_config', 'output_format',
  'speed', 'user_profile_id', 'workspace_id', 'compaction', 'context_management', 'mcp_servers',
];
const CREATE_FIELDS = new Set([
  ...SHARED_FIELDS, 'max_tokens', 'container', 'diagnostics', 'fallback_credit_token', 'fallbacks', 'inference_geo',
  'metadata', 'service_tier', 'stop_sequences', 'stream', 'temperature', 'top_k', 'top_p',
]);
const COUNT_FIELDS = new Set(SHARED_FIELDS);
const MIN_THINKING_BUDGET = 1024;
const THINKING_DOCS = 'Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking';

export function validateAnthropicMessages({ body }: IncomingCall): SimulatedError | undefined {
  return (
    unknownField(body, CREATE_FIELDS) ??
    required(body, 'model') ??
    required(body, 'messages') ??
    required(body, 'max_tokens') ??
    checkSampling(body) ??
    checkThinkingConfig(body) ??
    checkMessages(body)
  );
}

export function validateAnthropicCountTokens({ body }: IncomingCall): SimulatedError | undefined {
  return unknownField(body, COUNT_FIELDS) ?? required(body, 'model') ?? required(body, 'messages') ?? checkMessages(body);
}

function unknownField(body: Readonly<Record<string, unknown>>, allowed: ReadonlySet<string>): SimulatedError | undefined {
  const extra = Object.keys(body).find((key) => !allowed.has(key));
  return extra === undefined ? undefined : invalid(`${extra}: Extra inputs are not permitted`);
}

function required(body: Readonly<Record<string, unknown>>, field: string): SimulatedError | undefined {
  return body[field] === undefined ? invalid(`${field}: Field required`) : undefined;
}

function checkSampling(body: Readonly<Record<string, unknown>>): SimulatedError | undefined {
  const temperature = body['temperature'];
  if (typeof temperature === 'number' && temperature > 1) return invalid('temperature: Input should be less than or equal to 1');
  if (typeof temperature === 'number' && temperature < 0) return invalid('temperature: Input should be greater than or equal to 0');
  const stops = body['stop_sequences'];
  if (stops !== undefined && !(Array.isArray(stops) && stops.every((s) => typeof s === 'string'))) {
    return invalid('stop_sequences: Input should be a valid list of strings');
  }
  return undefined;
}

function checkThinkingConfig(body: Readonly<Record<string, unknown>>): SimulatedError | undefined {
  if (!thinkingOn(body)) return undefined;
  const thinking = body['thinking'] as Block;
  if (thinking['type'] === 'enabled') {
    const budget = thinking['budget_tokens'];
    if (typeof budget !== 'number') return invalid('thinking.enabled.budget_tokens: Field required');
    if (budget < MIN_THINKING_BUDGET) return invalid(`thinking.enabled.budget_tokens: Input should be greater than or equal to ${MIN_THINKING_BUDGET}`);
    if (typeof body['max_tokens'] === 'number' && body['max_tokens'] <= budget) {
      return invalid(`\`max_tokens\` must be greater than \`thinking.budget_tokens\`. ${THINKING_DOCS}#max-tokens-and-context-window-size`);
    }
  }
  const temperature = body['temperature'];
  if (temperature !== undefined && temperature !== 1) return invalid('`temperature` may only be set to 1 when thinking is enabled. ' + THINKING_DOCS);
  if (body['top_k'] !== undefined) return invalid('`top_k` is not compatible with thinking. ' + THINKING_DOCS);
  const topP = body['top_p'];
  if (typeof topP === 'number' && topP < 0.95) return invalid('`top_p` must be greater than or equal to 0.95 or unset when thinking is enabled. ' + THINKING_DOCS);
  const choice = (body['tool_choice'] as Block | undefined)?.['type'];
  if (choice === 'any' || choice === 'tool') return invalid('Thinking may not be enabled when tool_choice forces tool use.');
  return undefined;
}

function checkMessages(body: Readonly<Record<string, unknown>>): SimulatedError | undefined {
  const messages = body['messages'];
  if (!Array.isArray(messages)) return invalid('messages: Input should be a valid list');
  let previousToolUses: string[] = [];
  for (let i = 0; i < messages.length; i++) {
    const message = (messages[i] ?? {}) as Block;
    const role = message['role'];
    if (role !== 'user' && role !== 'assistant') return invalid(`messages.${i}.role: Input should be 'user' or 'assistant'`);
    const blocks = blocksOf(message['content']);
    const last = i === messages.length - 1;
    if (blocks.length === 0 && !(last && role === 'assistant')) {
      return invalid(`messages.${i}: all messages must have non-empty content except for the optional final assistant message`);
    }
    const blockError = checkBlocks(blocks, i);
    if (blockError) return blockError;
    const results = blocks.filter((b) => b['type'] === 'tool_result');
    for (let j = 0; j < blocks.length; j++) {
      const block = blocks[j];
      if (block['type'] !== 'tool_result' || previousToolUses.includes(String(block['tool_use_id']))) continue;
      return invalid(
        `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(block['tool_use_id'])}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
      );
    }
    const answered = new Set(results.map((b) => String(b['tool_use_id'])));
    const missing = previousToolUses.filter((id) => !answered.has(id));
    if (missing.length > 0) return toolUseWithoutResult(i - 1, missing);
    previousToolUses = role === 'assistant' ? blocks.filter((b) => b['type'] === 'tool_use').map((b) => String(b['id'])) : [];
  }
  return checkThinkingBeforeTools(body, messages as Block[]);
}

function checkBlocks(blocks: readonly Block[], i: number): SimulatedError | undefined {
  for (let j = 0; j < blocks.length; j++) {
    const block = blocks[j];
    if (block['type'] === 'text' && block['text'] === '') return invalid('messages: text content blocks must be non-empty');
    if (block['type'] === 'thinking' && typeof block['signature'] !== 'string') {
      return invalid(`messages.${i}.content.${j}.thinking.signature: Field required`);
    }
  }
  return undefined;
}

// With thinking on and a tool loop in progress (the last message carries tool results), the
// assistant message that asked for the tools must start with its thinking block.
function checkThinkingBeforeTools(body: Readonly<Record<string, unknown>>, messages: readonly Block[]): SimulatedError | undefined {
  if (!thinkingOn(body) || messages.length < 2) return undefined;
  const last = blocksOf(messages[messages.length - 1]['content']);
  if (!last.some((b) => b['type'] === 'tool_result')) return undefined;
  const index = messages.length - 2;
  const first = blocksOf(messages[index]['content'])[0];
  const type = String(first?.['type']);
  if (type === 'thinking' || type === 'redacted_thinking') return undefined;
  return invalid(
    `messages.${index}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${type}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. ${THINKING_DOCS}`,
  );
}

function toolUseWithoutResult(index: number, ids: readonly string[]): SimulatedError {
  return invalid(
    `messages.${index}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${ids.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
  );
}

function thinkingOn(body: Readonly<Record<string, unknown>>): boolean {
  const type = (body['thinking'] as Block | undefined)?.['type'];
  return type === 'enabled' || type === 'adaptive';
}

/** Content as blocks: a string is one text block, an empty string none. */
function blocksOf(content: unknown): Block[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return Array.isArray(content) ? (content as Block[]) : [];
}

function invalid(message: string): SimulatedError {
  return { status: 400, type: 'invalid_request_error', message };
}
