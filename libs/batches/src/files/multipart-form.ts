import { IrError } from '@switchyard/ir';

/** One part of a multipart/form-data body. */
export interface FormPart {
  name: string;
  /** Set for file parts. */
  filename?: string;
  data: Buffer;
}

/**
 * Parses a whole multipart/form-data body (RFC 7578) already read within the size limit. Small on
 * purpose: the Files API sends a handful of fields and one file, and the body is bounded before it
 * gets here. Throws IrError (400) on anything malformed.
 */
export function parseMultipart(contentType: string | undefined, body: Buffer): FormPart[] {
  const boundary = boundaryOf(contentType);
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) throw malformed('no part starts with the boundary');
  for (;;) {
    at += delimiter.length;
    // "--" after a delimiter closes the body.
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return parts;
    if (body[at] === 0x0d && body[at + 1] === 0x0a) at += 2;
    const headerEnd = body.indexOf('\r\n\r\n', at);
    if (headerEnd < 0) throw malformed('a part has no end of headers');
    const headers = body.subarray(at, headerEnd).toString('utf8');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) throw malformed('the closing boundary is missing');
    parts.push({ ...dispositionOf(headers), data: body.subarray(headerEnd + 4, next) });
    at = next + 2;
  }
}

function boundaryOf(contentType: string | undefined): string {
  if (!contentType || !/^multipart\/form-data\b/i.test(contentType)) throw IrError.invalid('Expected a multipart/form-data body with the fields "file" and "purpose".');
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary || boundary.length > 200) throw malformed('the content type names no boundary');
  return boundary;
}

function dispositionOf(headers: string): { name: string; filename?: string } {
  const line = headers.split('\r\n').find((h) => /^content-disposition:/i.test(h));
  if (!line) throw malformed('a part has no Content-Disposition');
  const name = /\bname="([^"]*)"/i.exec(line)?.[1];
  if (name === undefined) throw malformed('a part has no name');
  const filename = /\bfilename="([^"]*)"/i.exec(line)?.[1];
  return filename === undefined ? { name } : { name, filename };
}

function malformed(why: string): IrError {
  return IrError.invalid(`The multipart/form-data body could not be read: ${why}.`);
}
