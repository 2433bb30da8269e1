/** A `files` row as the services hand it around. */
export interface StoredFileRow {
  id: string;
  tenantId: string;
  purpose: string;
  filename: string;
  bytes: number;
  storage: string;
  createdAt: Date;
  expiresAt: Date | null;
}

/** OpenAI's File object (openai-node `FileObject`). */
export interface FileObject {
  id: string;
  object: 'file';
  bytes: number;
  created_at: number;
  filename: string;
  purpose: string;
  status: 'processed';
  expires_at: number | null;
  status_details: null;
}

export function unixSeconds(d: Date): number {
  return Math.floor(d.getTime() / 1000);
}

export function renderFile(f: StoredFileRow): FileObject {
  return {
    id: f.id,
    object: 'file',
    bytes: f.bytes,
    created_at: unixSeconds(f.createdAt),
    filename: f.filename,
    purpose: f.purpose,
    // Stored whole before the answer: never "uploaded" or "error" here.
    status: 'processed',
    expires_at: f.expiresAt ? unixSeconds(f.expiresAt) : null,
    status_details: null,
  };
}
