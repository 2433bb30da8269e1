import type { SecretBox } from '@switchyard/config';
import { ResponseFolder, type ResponseEvent } from '@switchyard/ir';
import { auditBodySealContext } from '@switchyard/shared';

/** The ingress's settings for the request audit's body capture (SWITCHYARD_SECRET_KEYS, SWITCHYARD_AUDIT_BODY_MAX_BYTES). */
export interface AuditCaptureSettings {
  /** Seals captured bodies; without it nothing is captured (bodies are never kept in clear). */
  box: SecretBox | undefined;
  maxBytes: number;
}

/**
 * One request's bodies for the request audit, for a tenant that opted in
 * (`tenants[].audit.captureBodies`; docs/architecture.md, "Request audit and residency"): the
 * request as it left for the upstream (after PII masking) and the answer as the upstream gave
 * it (placeholders, before any restore), each cut at `maxBytes` and sealed with the secret box
 * for this request and direction (the seal's context), so a sealed body cannot be moved to
 * another row and opened there. Sealed at the end of the request, after the answer was sent.
 */
export class AuditBodyCapture {
  private readonly answer = new ResponseFolder();
  private answered = false;
  private request = '';

  constructor(
    private readonly settings: AuditCaptureSettings & { box: SecretBox },
    private readonly requestId: string,
  ) {}

  /** The masked request, serialised once when the guardrails are done with it. */
  takeRequest(value: unknown): void {
    this.request = JSON.stringify(value);
  }

  /** Relays the upstream's answer (before any restore) while folding it for the audit. */
  async *watch(events: AsyncIterable<ResponseEvent>): AsyncGenerator<ResponseEvent> {
    for await (const ev of events) {
      this.answered = true;
      this.answer.add(ev);
      yield ev;
    }
  }

  /** Both bodies sealed; the answer only when one was watched (not for embeddings). */
  seal(): { requestBody?: string; responseBody?: string } {
    const box = this.settings.box;
    const answer = this.answered ? JSON.stringify(this.answer.value) : '';
    return {
      ...(this.request && { requestBody: box.seal(capped(this.request, this.settings.maxBytes), auditBodySealContext(this.requestId, 'request')) }),
      ...(answer && { responseBody: box.seal(capped(answer, this.settings.maxBytes), auditBodySealContext(this.requestId, 'response')) }),
    };
  }
}

/** `text` within `maxBytes` of UTF-8, saying how much was cut. */
function capped(text: string, maxBytes: number): string {
  const bytes = Buffer.byteLength(text);
  if (bytes <= maxBytes) return text;
  // Cut on a character boundary: decoding a prefix drops a split character's bytes as U+FFFD, trimmed here.
  const head = Buffer.from(text).subarray(0, maxBytes).toString('utf8').replace(/\uFFFD$/, '');
  return `${head}…[cut: ${bytes - Buffer.byteLength(head)} more bytes]`;
}
