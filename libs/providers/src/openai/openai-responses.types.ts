// The subset of OpenAI's Responses API wire format this adapter writes and reads
// (platform.openai.com/docs/api-reference/responses; `openai` SDK resources/responses/responses.ts:
// Response, ResponseOutputItem, ResponseUsage, ResponseStreamEvent).

export interface ResponsesOutputContent {
  type?: string;
  text?: string;
  refusal?: string;
  logprobs?: unknown[] | null;
}

export interface ResponsesSummaryPart {
  type?: string;
  text?: string;
}

/** message, function_call and reasoning items; other types (built-in tools) are not asked for. */
export interface ResponsesOutputItem {
  type?: string;
  id?: string;
  status?: string;
  content?: ResponsesOutputContent[] | null;
  call_id?: string;
  name?: string;
  arguments?: string;
  summary?: ResponsesSummaryPart[] | null;
  encrypted_content?: string | null;
}

export interface ResponsesUsage {
  input_tokens?: number;
  input_tokens_details?: { cached_tokens?: number } | null;
  output_tokens?: number;
  output_tokens_details?: { reasoning_tokens?: number } | null;
}

export interface ResponsesResponse {
  id?: string;
  object?: string;
  model?: string;
  status?: string;
  output?: ResponsesOutputItem[] | null;
  incomplete_details?: { reason?: string } | null;
  error?: { code?: string; message?: string } | null;
  usage?: ResponsesUsage | null;
}

/** One stream event: its `type` names it; the other fields depend on it. */
export interface ResponsesStreamEvent {
  type?: string;
  sequence_number?: number;
  response?: ResponsesResponse;
  item?: ResponsesOutputItem;
  output_index?: number;
  summary_index?: number;
  item_id?: string;
  delta?: string;
  logprobs?: unknown[] | null;
  code?: string | null;
  message?: string;
}
