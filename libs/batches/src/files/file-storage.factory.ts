import type { Database } from '@switchyard/db';
import { DatabaseFileStorage, type FileStorage } from './file-storage';
import type { S3FileStorageOptions } from './s3-file-storage';

/** SWITCHYARD_FILES_STORE and its bucket settings (libs/config `fileStoreSettingsOf`). */
export type FileStoreSettings = { store: 'database' } | ({ store: 's3' } & S3FileStorageOptions);

export interface OpenedFileStorage {
  storage: FileStorage;
  /** For readiness (/readyz) and gRPC health: set when the bytes live outside the database, which those already check. */
  probe?: { name: string; check(): Promise<boolean> };
  close(): void;
}

/** The configured file storage; throws, naming the setting, when the bucket's settings cannot work. */
export async function openFileStorage(settings: FileStoreSettings, db: Database): Promise<OpenedFileStorage> {
  switch (settings.store) {
    case 'database':
      return { storage: new DatabaseFileStorage(db), close: () => undefined };
    case 's3': {
      // Loaded only here: requiring the AWS SDK takes over a second, which a process that keeps
      // its files in the database should not pay at every start.
      const { S3FileStorage } = await import('./s3-file-storage');
      const s3 = new S3FileStorage(settings);
      await s3.assertConfigured();
      return { storage: s3, probe: { name: 'files bucket', check: () => s3.reachable() }, close: () => s3.close() };
    }
  }
}
