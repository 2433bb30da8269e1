// The parts of Gemini's GenerateContentResponse the dialect writes (ai.google.dev/api/generate-content#response-body,
// @google/genai GenerateContentResponse). Key order follows what generativelanguage.googleapis.com sends.

export interface GeminiFunctionCall {
  name: string;
  args: Record<string, unknown>;
  id?: string;
}

export interface GeminiPart {
  text?: string;
  thought?: boolean;
  functionCall?: GeminiFunctionCall;
  thoughtSignature?: string;
}

export interface GeminiCandidate {
  content?: { parts?: GeminiPart[]; role: 'model' };
  finishReason?: string;
  finishMessage?: string;
  avgLogprobs?: number;
  index: number;
  logprobsResult?: GeminiLogprobsResult;
}

export interface GeminiLogprobsCandidate {
  token: string;
  logProbability: number;
}

/** Per generated token: the token chosen, and (when `logprobs` asked for them) the top candidates. */
export interface GeminiLogprobsResult {
  topCandidates?: { candidates: GeminiLogprobsCandidate[] }[];
  chosenCandidates: GeminiLogprobsCandidate[];
}

export interface GeminiUsageMetadata {
  promptTokenCount: number;
  candidatesTokenCount: number;
  totalTokenCount: number;
  cachedContentTokenCount?: number;
  thoughtsTokenCount?: number;
}

export interface GeminiResponse {
  candidates: GeminiCandidate[];
  usageMetadata?: GeminiUsageMetadata;
  modelVersion: string;
  responseId: string;
}

/** google.rpc.Status as the Gemini API writes it in error bodies and stream error chunks. */
export interface GeminiStatus {
  code: number;
  message: string;
  status: string;
  details?: Record<string, unknown>[];
}
