// The batch input file, line by line, checked as OpenAI checks it before a batch runs
// (https://platform.openai.com/docs/api-reference/batch/request-input: one JSON object per line,
// `custom_id` unique within the batch, `method` POST, `url` the batch's endpoint, `body` the
// request). OpenAI fails the whole batch when a line is bad and lists each bad line in
// `errors.data` with its number; the codes below are the documented ones where one exists
// (invalid_json_line, duplicate_custom_id, url_mismatch, model_mismatch, empty_file,
// too_many_tasks).

/** OpenAI's `BatchError`. */
export interface BatchError {
  code: string;
  message: string;
  param: string | null;
  line: number | null;
}

/** A line that passed: what the worker runs. */
export interface BatchInputLine {
  /** 1-based line number in the file. */
  line: number;
  customId: string;
  body: Record<string, unknown>;
}

export interface BatchInputCheck {
  lines: BatchInputLine[];
  errors: BatchError[];
  /** The one model every line names (OpenAI requires one per batch). */
  model: string | undefined;
}

/** OpenAI's documented ceiling: a batch holds at most 50,000 requests. */
export const MAX_BATCH_LINES = 50_000;
/** More bad lines than this are not each listed (the batch fails either way). */
const MAX_REPORTED = 1_000;
/** OpenAI: custom_id at most 64 characters. */
const MAX_CUSTOM_ID = 64;

export function checkBatchInput(content: Buffer, endpoint: string): BatchInputCheck {
  const errors: BatchError[] = [];
  const lines: BatchInputLine[] = [];
  const seen = new Set<string>();
  let model: string | undefined;
  const report = (code: string, message: string, line: number | null, param: string | null = null) => {
    if (errors.length < MAX_REPORTED) errors.push({ code, message, param, line });
  };
  const text = content.toString('utf8');
  const raw = text.split('\n');
  let count = 0;
  for (let i = 0; i < raw.length; i++) {
    const lineNo = i + 1;
    const src = (raw[i] as string).trim();
    // A trailing newline, or blank lines between requests, are no requests.
    if (!src) continue;
    if (++count > MAX_BATCH_LINES) {
      report('too_many_tasks', `The input file holds more than ${MAX_BATCH_LINES} requests.`, lineNo);
      break;
    }
    let value: unknown;
    try {
      value = JSON.parse(src);
    } catch {
      report('invalid_json_line', 'This line is not parseable as valid JSON.', lineNo);
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      report('invalid_json_line', 'This line is not a JSON object.', lineNo);
      continue;
    }
    const o = value as Record<string, unknown>;
    const customId = o['custom_id'];
    if (typeof customId !== 'string' || !customId) {
      report('missing_required_parameter', 'Each line needs a non-empty string custom_id.', lineNo, 'custom_id');
      continue;
    }
    if (customId.length > MAX_CUSTOM_ID) {
      report('invalid_request', `custom_id is longer than ${MAX_CUSTOM_ID} characters.`, lineNo, 'custom_id');
      continue;
    }
    if (seen.has(customId)) {
      report('duplicate_custom_id', `The custom_id '${customId}' is used by an earlier line; each must be unique within the batch.`, lineNo, 'custom_id');
      continue;
    }
    seen.add(customId);
    if (o['method'] !== 'POST') {
      report('invalid_request', "The method must be 'POST'.", lineNo, 'method');
      continue;
    }
    if (o['url'] !== endpoint) {
      report('url_mismatch', `The url '${String(o['url'])}' does not match the batch's endpoint '${endpoint}'.`, lineNo, 'url');
      continue;
    }
    const body = o['body'];
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      report('missing_required_parameter', 'Each line needs a body object: the request for the endpoint.', lineNo, 'body');
      continue;
    }
    const b = body as Record<string, unknown>;
    const m = b['model'];
    if (typeof m !== 'string' || !m) {
      report('missing_required_parameter', 'The body names no model.', lineNo, 'body.model');
      continue;
    }
    if (model === undefined) model = m;
    else if (m !== model) {
      report('model_mismatch', `The model '${m}' differs from '${model}' of the earlier lines; a batch uses one model.`, lineNo, 'body.model');
      continue;
    }
    lines.push({ line: lineNo, customId, body: b });
  }
  if (!count && !errors.length) report('empty_file', 'The input file holds no requests.', null);
  return { lines, errors, model };
}
