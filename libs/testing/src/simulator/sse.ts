/** Server-sent-event framing shared by the wires (https://html.spec.whatwg.org/#server-sent-events). */

/** A data-only event, as OpenAI and Gemini send them. */
export function sseData(payload: unknown, newline = '\n'): string {
  return `data: ${JSON.stringify(payload)}${newline}${newline}`;
}

/** A named event, as Anthropic sends them: the SDK skips events without an `event:` line. */
export function sseEvent(event: string, payload: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
}

export const SSE_CONTENT_TYPE = 'text/event-stream; charset=utf-8';
