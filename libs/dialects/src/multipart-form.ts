import { IrError } from '@switchyard/ir';

// A multipart/form-data body (RFC 7578) as OpenAI's audio transcription endpoint takes it: text
// fields and one file. Synchronous over the body the ingress already read (size-limited there),
// so the parse stays one step of the admission skeleton like JSON's.

export interface FormFile {
  readonly name: string;
  readonly fileName: string;
  readonly type: string;
  readonly data: Buffer;
}

export interface MultipartForm {
  /** Text fields in order; a repeated name (`timestamp_granularities[]`) keeps every value. */
  readonly fields: ReadonlyArray<readonly [string, string]>;
  readonly files: readonly FormFile[];
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
/** More parts than any request of the API has: a body of thousands of tiny parts is refused, not walked. */
const MAX_PARTS = 64;

/** The boundary of a `multipart/form-data; boundary=…` content type; throws a 400 otherwise. */
export function formBoundary(contentType: string | undefined): string {
  const m = /^multipart\/form-data\s*;(?:.*;)?\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType ?? '');
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) throw IrError.invalid('Content-Type: expected multipart/form-data with a boundary', 'content-type');
  return boundary;
}

/** The parts of `body`; throws a 400 naming what is wrong with the form. */
export function parseMultipart(body: Buffer, boundary: string): MultipartForm {
  const delimiter = Buffer.from(`--${boundary}`);
  const fields: [string, string][] = [];
  const files: FormFile[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) throw malformed('no part starts with the boundary');
  for (let parts = 0; ; parts++) {
    at += delimiter.length;
    // `--` after a delimiter closes the form.
    if (body[at] === 0x2d && body[at + 1] === 0x2d) break;
    if (!body.subarray(at, at + 2).equals(CRLF)) throw malformed('a boundary is not followed by a line break');
    if (parts >= MAX_PARTS) throw malformed(`more than ${MAX_PARTS} parts`);
    const headerEnd = body.indexOf(HEADER_END, at + 2);
    if (headerEnd < 0) throw malformed('a part has no end of headers');
    const headers = body.subarray(at + 2, headerEnd).toString('utf8');
    const next = body.indexOf(Buffer.concat([CRLF, delimiter]), headerEnd + 4);
    if (next < 0) throw malformed('the form is not closed');
    const content = body.subarray(headerEnd + 4, next);
    const disposition = /^content-disposition:\s*form-data\s*;(.*)$/im.exec(headers)?.[1] ?? '';
    const name = param(disposition, 'name');
    if (name === undefined) throw malformed('a part has no form-data name');
    const fileName = param(disposition, 'filename');
    if (fileName !== undefined) {
      const type = /^content-type:\s*([^\r\n;]+)/im.exec(headers)?.[1]?.trim() ?? 'application/octet-stream';
      files.push({ name, fileName, type, data: Buffer.from(content) });
    } else {
      fields.push([name, content.toString('utf8')]);
    }
    at = next + CRLF.length;
  }
  return { fields, files };
}

function param(disposition: string, key: string): string | undefined {
  const m = new RegExp(`(?:^|;)\\s*${key}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(disposition) ?? new RegExp(`(?:^|;)\\s*${key}=([^;\\s]+)`, 'i').exec(disposition);
  return m?.[1];
}

function malformed(why: string): IrError {
  return IrError.invalid(`The multipart form could not be read: ${why}.`, 'file');
}
