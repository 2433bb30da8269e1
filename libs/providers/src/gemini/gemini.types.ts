// The subset of the Gemini API wire format (generativelanguage.googleapis.com, REST camelCase)
// this adapter writes and reads, as `@google/genai` declares it in dist/genai.d.ts (Part,
// FunctionCall, FunctionResponse, GenerateContentResponse, Candidate, …) and as
// ai.google.dev/api documents it.

export type GeminiJson = Record<string, unknown>;

export interface GeminiFunctionCall {
  id?: string;
  name?: string;
  args?: Record<string, unknown>;
}

export interface GeminiPart {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  inlineData?: { mimeType?: string; data?: string };
  fileData?: { mimeType?: string; fileUri?: string };
  functionCall?: GeminiFunctionCall;
  functionResponse?: { id?: string; name?: string; response?: Record<string, unknown>; parts?: GeminiPart[] };
}

export interface GeminiContent {
  role?: 'user' | 'model';
  parts: GeminiPart[];
}

export interface GeminiLogprobsCandidate {
  token?: string;
  tokenId?: number;
  logProbability?: number;
}

export interface GeminiLogprobsResult {
  chosenCandidates?: GeminiLogprobsCandidate[];
  topCandidates?: { candidates?: GeminiLogprobsCandidate[] }[];
}

export interface GeminiCandidate {
  index?: number;
  content?: { role?: string; parts?: GeminiPart[] };
  finishReason?: string;
  finishMessage?: string;
  logprobsResult?: GeminiLogprobsResult;
}

export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  cachedContentTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  toolUsePromptTokenCount?: number;
  totalTokenCount?: number;
}

/** google.rpc.Status as the API sends it inside `{"error": …}`. */
export interface GeminiRpcStatus {
  code?: number;
  message?: string;
  status?: string;
  details?: ({ '@type'?: string; retryDelay?: string; reason?: string } & GeminiJson)[];
}

export interface GeminiGenerateContentResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: { blockReason?: string };
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
  error?: GeminiRpcStatus;
}
