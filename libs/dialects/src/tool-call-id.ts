// Gemini attaches a thoughtSignature to function calls and rejects a later turn that does not
// send it back. OpenAI and Anthropic clients have no field for it, but they do echo tool call
// ids verbatim (in the assistant turn and in the tool result), so those dialects carry the
// signature inside the id they render and take it out again when the id comes back.
const SEPARATOR = '.sig.';

/** The id to show a client that cannot carry the signature separately. */
export function joinToolCallId(id: string, signature: string | undefined): string {
  return signature ? `${id}${SEPARATOR}${Buffer.from(signature, 'utf8').toString('base64url')}` : id;
}

/** The id and signature from an id rendered by joinToolCallId; other ids come back as they are. */
export function splitToolCallId(raw: string): { id: string; signature: string | undefined } {
  const at = raw.indexOf(SEPARATOR);
  if (at < 0) return { id: raw, signature: undefined };
  return { id: raw.slice(0, at), signature: Buffer.from(raw.slice(at + SEPARATOR.length), 'base64url').toString('utf8') || undefined };
}
