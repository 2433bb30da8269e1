import type { PassthroughRules } from '../core/passthrough.policy';

// Unmodelled Anthropic Messages fields (the dialect's PASSTHROUGH lists; platform.claude.com
// docs/en/api/messages) and what an Anthropic upstream gets of them by default.
export const ANTHROPIC_PASSTHROUGH: PassthroughRules = {
  metadata: { forward: true, otherwise: 'drop', why: "`user_id`, the end user's id for the upstream's abuse monitoring" },
  cache_control: { forward: true, otherwise: 'drop', why: 'prompt caching; cache writes and reads are in the usage billing reads' },
  context_management: { forward: true, otherwise: 'drop', why: 'clears old tool results and thinking from the context; it only shrinks the prompt' },
  thinking: { forward: true, otherwise: 'drop', why: 'adaptive thinking and `display`, which the IR cannot express; thinking is billed as output' },
  output_config: { forward: true, otherwise: 'drop', why: 'effort "xhigh" / "max", which the IR cannot express; billed as output' },
  service_tier: { forward: false, otherwise: 'drop', why: "draws on the operator's Priority Tier commitment; the answer is the same without it" },
  speed: { forward: false, otherwise: 'drop', why: 'fast mode is billed at a premium the gateway does not price; the answer is the same without it' },
  workspace_id: { forward: false, otherwise: 'drop', why: "selects a workspace of the operator's organisation, with its files, limits and billing" },
  user_profile_id: { forward: false, otherwise: 'drop', why: "a profile of the operator's account" },
  fallbacks: { forward: false, otherwise: 'drop', why: "falls back to models outside the gateway's catalogue and prices" },
  fallback_credit_token: { forward: false, otherwise: 'drop', why: "falls back to models outside the gateway's catalogue and prices" },
  compaction: { forward: false, otherwise: 'drop', why: "server-side summarising of the context, run and billed on the operator's account" },
  container: {
    forward: false,
    otherwise: 'refuse',
    why: "a container holds the files of earlier calls (perhaps another tenant's) and the account's skills; without it the model would work without them unnoticed",
  },
  mcp_servers: {
    forward: false,
    otherwise: 'refuse',
    why: 'makes the upstream call any URL with any token; without them the model would answer without those tools unnoticed',
  },
  inference_geo: {
    forward: false,
    otherwise: 'refuse',
    why: 'data residency at a higher price; without it the data would be processed elsewhere without the client knowing',
  },
};
