import { AudioPart, FilePart, ImagePart, IrError } from '@switchyard/ir';
import type { GeminiPart } from './gemini.types';

// IR media → Gemini inlineData / fileData parts.
//
// Gemini needs a MIME type on every blob and URI (FileData.mimeType is "Required"). Base64 data
// comes with its media type from every dialect. URLs are sent as fileData: besides Files API
// and GCS URIs, the Gemini API fetches public and signed HTTPS URLs itself since January 2026
// (ai.google.dev/gemini-api/docs/file-input-methods; blog.google "Increased file size limits
// and expanded inputs support in Gemini API"). The gateway never downloads a URL itself (the
// translator does no I/O), so the MIME type comes from the part, else from the URL's file
// extension; without either the request is refused with a message naming the field, rather
// than guessing a type Gemini might decode wrongly.

const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  txt: 'text/plain',
  wav: 'audio/wav',
  mp3: 'audio/mp3',
  aac: 'audio/aac',
  ogg: 'audio/ogg',
  flac: 'audio/flac',
  aiff: 'audio/aiff',
  mp4: 'video/mp4',
  mov: 'video/mov',
  webm: 'video/webm',
};

// Files API names (`files/abc123`) become the URI the Files API itself reports for them.
const FILES_API_ROOT = 'https://generativelanguage.googleapis.com/v1beta/';

export function imagePart(img: ImagePart, path: string): GeminiPart {
  if (img.data) return { inlineData: { mimeType: required(img.mediaType, `${path}.media_type`, 'base64 image data'), data: img.data } };
  const url = img.url;
  if (!url) throw IrError.invalid(`${path}: an image needs data or a url`, path);
  const inline = dataUrl(url);
  if (inline) return { inlineData: inline };
  return { fileData: { mimeType: img.mediaType || mimeOfName(url) || missingType(`${path}.url`, 'an image URL'), fileUri: url } };
}

export function audioPart(audio: AudioPart, path: string): GeminiPart {
  if (!audio.data) throw IrError.invalid(`${path}.data: audio needs base64 data`, `${path}.data`);
  const format = required(audio.format, `${path}.format`, 'audio data');
  return { inlineData: { mimeType: format.includes('/') ? format : `audio/${format}`, data: audio.data } };
}

export function filePart(file: FilePart, path: string): GeminiPart {
  const typed = file.mediaType || mimeOfName(file.filename);
  if (file.data) return { inlineData: { mimeType: typed || missingType(`${path}.media_type`, 'file data'), data: file.data } };
  if (file.url) {
    const inline = dataUrl(file.url);
    if (inline) return { inlineData: inline };
    return { fileData: { mimeType: typed || mimeOfName(file.url) || missingType(`${path}.media_type`, 'a file URL'), fileUri: file.url } };
  }
  const id = file.fileId;
  if (/^files\/[^/]+$/.test(id) || /^https:\/\//.test(id)) {
    const uri = id.startsWith('files/') ? `${FILES_API_ROOT}${id}` : id;
    return { fileData: { mimeType: typed || missingType(`${path}.media_type`, 'a Files API file'), fileUri: uri } };
  }
  if (id) throw IrError.invalid(`${path}.file_id: "${id}" is not a Gemini Files API name (files/…)`, `${path}.file_id`);
  throw IrError.invalid(`${path}: a file needs data, a url or a file_id`, path);
}

function dataUrl(url: string): { mimeType: string; data: string } | undefined {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return m ? { mimeType: m[1] as string, data: m[2] as string } : undefined;
}

function mimeOfName(nameOrUrl: string): string | undefined {
  const path = nameOrUrl.replace(/[?#].*$/s, '');
  const dot = path.lastIndexOf('.');
  if (dot < 0 || dot < path.lastIndexOf('/')) return undefined;
  return MIME_BY_EXTENSION[path.slice(dot + 1).toLowerCase()];
}

function required(value: string | undefined, field: string, what: string): string {
  return value || missingType(field, what);
}

function missingType(field: string, what: string): never {
  throw IrError.invalid(`${field}: Gemini needs the media type of ${what}; give one (or a URL or file name ending in a known extension such as .png, .jpg or .pdf)`, field);
}
