import type { z } from 'zod';

/** Where the Files API keeps the bytes (issue 17): the database, or an S3-compatible bucket. */
export const FILES_STORES = ['database', 's3'] as const;
export type FilesStore = (typeof FILES_STORES)[number];

interface FilesStoreEnv {
  SWITCHYARD_FILES_STORE: FilesStore;
  SWITCHYARD_FILES_S3_BUCKET?: string;
  SWITCHYARD_FILES_S3_ENDPOINT?: string;
  SWITCHYARD_FILES_S3_REGION?: string;
  SWITCHYARD_FILES_S3_PREFIX: string;
  SWITCHYARD_FILES_S3_FORCE_PATH_STYLE: boolean;
}

/** S3 settings go with SWITCHYARD_FILES_STORE=s3 and it needs a bucket. */
export function refuseHalfFilesStore(env: FilesStoreEnv, ctx: z.RefinementCtx): void {
  if (env.SWITCHYARD_FILES_STORE === 's3') {
    if (!env.SWITCHYARD_FILES_S3_BUCKET) ctx.addIssue({ code: 'custom', path: ['SWITCHYARD_FILES_S3_BUCKET'], message: 'required when SWITCHYARD_FILES_STORE is s3: the bucket the files are stored in' });
    if (env.SWITCHYARD_FILES_S3_PREFIX.startsWith('/')) ctx.addIssue({ code: 'custom', path: ['SWITCHYARD_FILES_S3_PREFIX'], message: 'must not start with "/": object keys are the prefix followed by the file id' });
    return;
  }
  const stray = (['SWITCHYARD_FILES_S3_BUCKET', 'SWITCHYARD_FILES_S3_ENDPOINT', 'SWITCHYARD_FILES_S3_REGION'] as const).find((name) => env[name] !== undefined);
  if (stray) ctx.addIssue({ code: 'custom', path: [stray], message: 'applies to SWITCHYARD_FILES_STORE=s3 only (the files are in the database): set SWITCHYARD_FILES_STORE=s3 or remove it' });
}

/** The shape of libs/batches' FileStoreSettings: what `openFileStorage` is given. */
export type FileStoreSettingsOf =
  | { store: 'database' }
  | { store: 's3'; bucket: string; prefix: string; endpoint?: string; region?: string; forcePathStyle: boolean };

export function fileStoreSettingsOf(env: FilesStoreEnv): FileStoreSettingsOf {
  if (env.SWITCHYARD_FILES_STORE === 'database' || !env.SWITCHYARD_FILES_S3_BUCKET) return { store: 'database' };
  return {
    store: 's3',
    bucket: env.SWITCHYARD_FILES_S3_BUCKET,
    prefix: env.SWITCHYARD_FILES_S3_PREFIX,
    endpoint: env.SWITCHYARD_FILES_S3_ENDPOINT,
    region: env.SWITCHYARD_FILES_S3_REGION,
    forcePathStyle: env.SWITCHYARD_FILES_S3_FORCE_PATH_STYLE,
  };
}
