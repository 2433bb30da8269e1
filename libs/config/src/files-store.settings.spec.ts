import { ConfigError } from './config.error';
import { fileStoreSettingsOf } from './files-store.settings';
import { loadSwitchyardEnv } from './switchyard-env.schema';

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadSwitchyardEnv(env);
    return [];
  } catch (e) {
    return (e as ConfigError).problems;
  }
}

describe(fileStoreSettingsOf.name, () => {
  it('keeps files in the database unless told otherwise', () => {
    expect(fileStoreSettingsOf(loadSwitchyardEnv({}))).toEqual({ store: 'database' });
  });

  it('turns the S3 variables into the bucket settings', () => {
    const env = loadSwitchyardEnv({
      SWITCHYARD_FILES_STORE: 's3',
      SWITCHYARD_FILES_S3_BUCKET: 'gateway-files',
      SWITCHYARD_FILES_S3_ENDPOINT: 'http://minio.storage:9000',
      SWITCHYARD_FILES_S3_REGION: 'eu-west-1',
      SWITCHYARD_FILES_S3_PREFIX: 'eu/files/',
      SWITCHYARD_FILES_S3_FORCE_PATH_STYLE: 'true',
    });

    expect(fileStoreSettingsOf(env)).toEqual({ store: 's3', bucket: 'gateway-files', endpoint: 'http://minio.storage:9000', region: 'eu-west-1', prefix: 'eu/files/', forcePathStyle: true });
  });

  it('stops the boot naming the variable: s3 without a bucket, a bad store, a bad endpoint, bucket settings without s3', () => {
    expect(problemsOf({ SWITCHYARD_FILES_STORE: 's3' })).toEqual(['SWITCHYARD_FILES_S3_BUCKET: required when SWITCHYARD_FILES_STORE is s3: the bucket the files are stored in']);
    expect(problemsOf({ SWITCHYARD_FILES_STORE: 'gcs' })).toEqual(['SWITCHYARD_FILES_STORE: expected one of database, s3, got "gcs"']);
    expect(problemsOf({ SWITCHYARD_FILES_STORE: 's3', SWITCHYARD_FILES_S3_BUCKET: 'b', SWITCHYARD_FILES_S3_ENDPOINT: 'minio:9000' })).toHaveLength(1);
    expect(problemsOf({ SWITCHYARD_FILES_STORE: 's3', SWITCHYARD_FILES_S3_BUCKET: 'b', SWITCHYARD_FILES_S3_PREFIX: '/files/' })[0]).toMatch(/^SWITCHYARD_FILES_S3_PREFIX: must not start with "\/"/);
    expect(problemsOf({ SWITCHYARD_FILES_S3_BUCKET: 'b' })).toEqual([
      'SWITCHYARD_FILES_S3_BUCKET: applies to SWITCHYARD_FILES_STORE=s3 only (the files are in the database): set SWITCHYARD_FILES_STORE=s3 or remove it',
    ]);
  });
});
