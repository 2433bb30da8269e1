import {
  ChatRequest,
  ContentPart,
  Dialect,
  IrError,
  Message,
  Reasoning_Effort,
  ResponseFormat_Type,
  Role,
  ToolChoice_Mode,
} from '@switchyard/ir';
import type { UpstreamHttpRequest, UpstreamTarget } from '../core/provider-adapter.types';

// IR → OpenAI Chat Completions request body. `legacyMaxTokens` is for OpenAI-compatible
// servers (vLLM, Ollama, DeepSeek …) that know `max_tokens` but not `max_completion_tokens`.

type Json = Record<string, unknown>;

const EFFORT: Record<number, string | undefined> = {
  [Reasoning_Effort.EFFORT_MINIMAL]: 'minimal',
  [Reasoning_Effort.EFFORT_LOW]: 'low',
  [Reasoning_Effort.EFFORT_MEDIUM]: 'medium',
  [Reasoning_Effort.EFFORT_HIGH]: 'high',
};

export function buildOpenAiRequest(req: ChatRequest, target: UpstreamTarget, legacyMaxTokens: boolean): UpstreamHttpRequest {
  const body: Json = {};
  // Passthrough first so modelled fields always win over a client's extras.
  if (req.extensions?.dialect === Dialect.DIALECT_OPENAI && req.extensions.json) Object.assign(body, JSON.parse(req.extensions.json));
  body['model'] = target.upstreamModel;
  const messages: Json[] = [];
  if (req.system?.length) messages.push({ role: 'system', content: textOf(req.system, 'system') });
  for (const m of req.messages ?? []) messages.push(...messageOf(m));
  body['messages'] = messages;

  const s = req.sampling;
  if (s?.maxTokens !== undefined) body[legacyMaxTokens ? 'max_tokens' : 'max_completion_tokens'] = s.maxTokens;
  if (s?.temperature !== undefined) body['temperature'] = s.temperature;
  if (s?.topP !== undefined) body['top_p'] = s.topP;
  if (s?.stop?.length) body['stop'] = s.stop;
  if (s?.seed !== undefined) body['seed'] = s.seed;
  if (s?.presencePenalty !== undefined) body['presence_penalty'] = s.presencePenalty;
  if (s?.frequencyPenalty !== undefined) body['frequency_penalty'] = s.frequencyPenalty;
  if (s?.n !== undefined) body['n'] = s.n;

  if (req.tools?.length) {
    body['tools'] = req.tools.map((t) => {
      const fn: Json = { name: t.name };
      if (t.description) fn['description'] = t.description;
      if (t.parametersJson) fn['parameters'] = JSON.parse(t.parametersJson);
      if (t.strict) fn['strict'] = true;
      return { type: 'function', function: fn };
    });
  }
  const tc = req.toolChoice;
  // OpenAI rejects tool_choice without tools ("'tool_choice' is only allowed when 'tools' are
  // specified"), and other dialects may carry a choice with no tools.
  if (tc && req.tools?.length) {
    const mode = tc.mode ?? ToolChoice_Mode.MODE_UNSPECIFIED;
    if (mode === ToolChoice_Mode.MODE_AUTO) body['tool_choice'] = 'auto';
    else if (mode === ToolChoice_Mode.MODE_NONE) body['tool_choice'] = 'none';
    else if (mode === ToolChoice_Mode.MODE_REQUIRED) body['tool_choice'] = 'required';
    else if (mode === ToolChoice_Mode.MODE_NAMED) body['tool_choice'] = { type: 'function', function: { name: tc.name } };
    if (tc.disableParallel && req.tools?.length) body['parallel_tool_calls'] = false;
  }
  const rf = req.responseFormat;
  if (rf?.type === ResponseFormat_Type.TYPE_JSON_OBJECT) body['response_format'] = { type: 'json_object' };
  else if (rf?.type === ResponseFormat_Type.TYPE_TEXT) body['response_format'] = { type: 'text' };
  else if (rf?.type === ResponseFormat_Type.TYPE_JSON_SCHEMA) {
    body['response_format'] = { type: 'json_schema', json_schema: { name: rf.schemaName || 'response', schema: rf.schemaJson ? JSON.parse(rf.schemaJson) : {}, strict: rf.strict ?? false } };
  }
  const effort = EFFORT[req.reasoning?.effort ?? 0];
  if (effort) body['reasoning_effort'] = effort;
  if (req.meta?.endUserId) body['user'] = req.meta.endUserId;
  if (req.stream) {
    body['stream'] = true;
    // Always ask for usage: billing needs it even when the client did not.
    body['stream_options'] = { include_usage: true };
  } else {
    delete body['stream'];
    delete body['stream_options'];
  }
  return {
    url: `${target.baseUrl.replace(/\/+$/, '')}/chat/completions`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${target.apiKey}` },
    body: JSON.stringify(body),
  };
}

function textOf(parts: ContentPart[], path: string): string {
  let text = '';
  for (const p of parts) {
    if (p.part?.$case !== 'text') throw IrError.invalid(`${path}: only text is supported here by this provider`, path);
    text += (text ? '\n' : '') + (p.part.value.text ?? '');
  }
  return text;
}

function messageOf(m: Message): Json[] {
  const parts = m.content ?? [];
  switch (m.role) {
    case Role.ROLE_USER:
      return [withName({ role: 'user', content: userContent(parts) }, m.name)];
    case Role.ROLE_ASSISTANT: {
      const calls = parts.filter((p) => p.part?.$case === 'toolCall').map((p) => {
        const v = p.part?.$case === 'toolCall' ? p.part.value : {};
        return { id: v.id, type: 'function', function: { name: v.name, arguments: v.argumentsJson || '{}' } };
      });
      const text = parts.filter((p) => p.part?.$case === 'text').map((p) => (p.part?.$case === 'text' ? p.part.value.text : '')).join('');
      const out: Json = { role: 'assistant', content: text || (calls.length ? null : '') };
      if (calls.length) out['tool_calls'] = calls;
      return [withName(out, m.name)];
    }
    case Role.ROLE_TOOL:
      return parts.flatMap((p) => (p.part?.$case === 'toolResult' ? [{ role: 'tool', tool_call_id: p.part.value.callId, content: textOf(p.part.value.content ?? [], 'tool_result.content') }] : []));
    case Role.ROLE_UNSPECIFIED:
    case undefined:
      throw IrError.invalid('message role is missing', 'messages');
  }
}

function withName(message: Json, name: string | undefined): Json {
  if (name) message['name'] = name;
  return message;
}

function userContent(parts: ContentPart[]): string | Json[] {
  if (parts.length === 1 && parts[0]?.part?.$case === 'text') return parts[0].part.value.text ?? '';
  return parts.map((p): Json => {
    const part = p.part;
    switch (part?.$case) {
      case 'text':
        return { type: 'text', text: part.value.text ?? '' };
      case 'image': {
        const url = part.value.url || `data:${part.value.mediaType};base64,${part.value.data}`;
        return { type: 'image_url', image_url: part.value.detail ? { url, detail: part.value.detail } : { url } };
      }
      case 'audio':
        return { type: 'input_audio', input_audio: { data: part.value.data, format: part.value.format } };
      case 'file': {
        const file: Json = {};
        if (part.value.fileId) file['file_id'] = part.value.fileId;
        if (part.value.data) file['file_data'] = `data:${part.value.mediaType || 'application/octet-stream'};base64,${part.value.data}`;
        if (part.value.filename) file['filename'] = part.value.filename;
        return { type: 'file', file };
      }
      case 'toolCall':
      case 'toolResult':
      case 'reasoning':
      case undefined:
        throw IrError.invalid(`user messages cannot carry ${part?.$case ?? 'empty'} parts`, 'messages');
    }
  });
}
