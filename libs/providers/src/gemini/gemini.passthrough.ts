import type { PassthroughRules } from '../core/passthrough.policy';

// Unmodelled Gemini generateContent fields (ai.google.dev/api/generate-content) and what a
// Gemini upstream gets of them by default. Server-side tools are named `tools.<kind>`, the
// nested configurations `generationConfig.<field>` and `toolConfig.<field>`.
const SERVER_TOOL_WHY = 'a server-side tool, billed per use or reaching outside the request; without it the model would answer without it unnoticed';

export const GEMINI_PASSTHROUGH: PassthroughRules = {
  safetySettings: { forward: true, otherwise: 'drop', why: 'content-filter thresholds; no cost, no account resource' },
  'generationConfig.*': { forward: true, otherwise: 'drop', why: 'the shape of the output (modalities, speech, media resolution, thought display), billed as tokens' },
  'toolConfig.*': { forward: true, otherwise: 'drop', why: 'settings of tools that are themselves checked here' },
  labels: { forward: false, otherwise: 'drop', why: "billing labels of the operator's account" },
  cachedContent: {
    forward: false,
    otherwise: 'refuse',
    why: "names a cache of the operator's account, perhaps another tenant's context; without it the model would answer without that context unnoticed",
  },
  'tools.googleSearch': { forward: false, otherwise: 'refuse', why: `Google Search grounding is billed per query; ${SERVER_TOOL_WHY}` },
  'tools.googleSearchRetrieval': { forward: false, otherwise: 'refuse', why: `Google Search grounding is billed per query; ${SERVER_TOOL_WHY}` },
  'tools.urlContext': { forward: false, otherwise: 'refuse', why: `fetches any URL the prompt names; ${SERVER_TOOL_WHY}` },
  'tools.fileSearch': { forward: false, otherwise: 'refuse', why: `searches the operator's file stores; ${SERVER_TOOL_WHY}` },
  'tools.retrieval': { forward: false, otherwise: 'refuse', why: `searches the operator's data stores; ${SERVER_TOOL_WHY}` },
  'tools.*': { forward: false, otherwise: 'refuse', why: SERVER_TOOL_WHY },
};
