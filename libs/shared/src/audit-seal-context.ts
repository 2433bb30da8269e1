/**
 * The secret box context a request audit body is sealed for (docs/architecture.md, "Request
 * audit and residency"): its row and direction, so a sealed body moved to another row or swapped
 * between directions does not open. The ingress seals with it, the admin API opens with it.
 */
export function auditBodySealContext(requestId: string, direction: 'request' | 'response'): string {
  return `request_audit:${requestId}:${direction}`;
}
