// What the PII guardrails cost a request (issue 18: every detector on a 4 KB prompt, target
// ≤ 0.2 ms p50 at c=1): each detector alone, all of them, and the whole mask of a chat request
// (scan + placeholders) and restore of its answer, on a 4 KB prompt of prose, code and a few
// personal values. Run: node tools/build.mjs pii-bench && node dist/bench/pii-scan.js [iterations]
// Wall time per call with performance.now() (resolution well under a microsecond here), after a
// warm-up so the JIT has compiled the scanners; p50 and p99 over the iterations.
import { PII_CATEGORIES, PiiRedaction, PiiScanner, type PiiCategory, compilePiiPolicy, redactChatRequest, restoreResponse } from '@switchyard/guardrails';
import { type ChatRequest, type ResponseEvent, Role } from '@switchyard/ir';
import { performance } from 'node:perf_hooks';

const N = Number(process.argv[2] ?? 5000);

const PROSE =
  'Hello team, please review the quarterly report before Friday. The migration to the new billing ' +
  'system went well, but we saw a few timeouts between 02:00 and 02:30 UTC on 2026-11-30. ';
const CODE =
  'function retry(fn, attempts = 3) {\n  for (let i = 0; i < attempts; i++) {\n    try { return fn(); } catch (err) { if (i === attempts - 1) throw err; }\n  }\n}\n' +
  'const url = "https://api.example.com/v1/items?page=2&limit=50"; // version 1.2.3\n';
const PERSONAL =
  'Contact jane.doe@example.com or call +44 20 7946 0958 (mobile 13800138000). Card 4111 1111 1111 1111, ' +
  'IBAN DE89 3704 0044 0532 0130 00, ID 11010519491231002X, server 10.20.30.40, key sk-proj-AbCdEf0123456789GhIjKl. ';

/** ~4 KB: prose and code, with one paragraph of personal values in the middle. */
function prompt(): string {
  let text = '';
  while (text.length < 1800) text += PROSE + CODE;
  text += PERSONAL;
  while (text.length < 4096) text += CODE + PROSE;
  return text.slice(0, 4096);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

function measure(label: string, fn: () => void): void {
  for (let i = 0; i < 2000; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const us = (ms: number) => `${(ms * 1000).toFixed(1).padStart(7)} µs`;
  console.log(`${label.padEnd(36)} p50 ${us(percentile(times, 0.5))}   p99 ${us(percentile(times, 0.99))}`);
}

function chat(text: string): ChatRequest {
  return {
    model: 'm',
    system: [],
    messages: [{ role: Role.ROLE_USER, name: '', content: [{ part: { $case: 'text', value: { text, signature: '' } }, cacheControlJson: '' }] }],
    tools: [],
    stream: false,
    includeUsage: false,
    droppedParams: [],
  };
}

async function main(): Promise<void> {
  const text = prompt();
  console.log(`prompt: ${text.length} characters; ${N} iterations per row\n`);
  for (const category of PII_CATEGORIES) {
    const scanner = new PiiScanner(compilePiiPolicy({ action: 'mask', categories: [category as PiiCategory] }));
    measure(`detector ${category}`, () => scanner.scan(text));
  }
  const custom = new PiiScanner(compilePiiPolicy({ action: 'mask', categories: ['email'], custom: [{ name: 'employee_id', pattern: 'EMP-\\d{6}' }] }));
  measure('email + one custom pattern', () => custom.scan(text));
  const all = new PiiScanner(compilePiiPolicy({ action: 'mask' }));
  measure('every detector (scan)', () => all.scan(text));
  measure('every detector, mask a chat request', () => redactChatRequest(chat(text), new PiiRedaction(all, true)));

  // Restore: an answer of 64 deltas of ~64 characters echoing the placeholders.
  const redaction = new PiiRedaction(all, true);
  redactChatRequest(chat(text), redaction);
  const masked = [...redaction.values.keys()].join(' and ') + ' ' + PROSE.repeat(20);
  const events: ResponseEvent[] = [];
  for (let at = 0; at < masked.length; at += 64) events.push({ event: { $case: 'textDelta', value: { text: masked.slice(at, at + 64), choice: 0, logprobsJson: '', signature: '' } } });
  const times: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    for await (const ev of restoreResponse(from(events), redaction.values)) void ev;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(`${`restore a ${masked.length}-char answer, ${events.length} deltas`.padEnd(36)} p50 ${(percentile(times, 0.5) * 1000).toFixed(1).padStart(7)} µs   p99 ${(percentile(times, 0.99) * 1000).toFixed(1).padStart(7)} µs`);
}

async function* from(events: ResponseEvent[]): AsyncGenerator<ResponseEvent> {
  yield* events;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
