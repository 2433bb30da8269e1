import { applyMigrations } from '@switchyard/db';
import { ErrorKind, IrError } from '@switchyard/ir';
import { openTestDatabase, type TestDatabase } from '../../../db/src/test-database.harness';
import { FileExpirySweep, expiresAfterOf, expiresAfterOfForm } from './file-expiry';
import { DatabaseFileStorage } from './file-storage';
import { FilesService } from './files.service';

function refusal(f: () => unknown): IrError {
  try {
    f();
  } catch (e) {
    if (e instanceof IrError) return e;
    throw e;
  }
  throw new Error('not refused');
}

describe('expires_after', () => {
  it('takes anchor created_at and 3600–2592000 seconds, from a form and from JSON', () => {
    expect(expiresAfterOfForm('created_at', '3600')).toBe(3600);
    expect(expiresAfterOfForm('created_at', '2592000')).toBe(2_592_000);
    expect(expiresAfterOfForm(undefined, undefined)).toBeUndefined();
    expect(expiresAfterOf({ anchor: 'created_at', seconds: 86_400 }, 'output_expires_after')).toBe(86_400);
    expect(expiresAfterOf(undefined, 'output_expires_after')).toBeUndefined();
  });

  it('refuses another anchor, seconds out of range or not whole, and half a policy, naming the field', () => {
    expect(refusal(() => expiresAfterOfForm('last_active_at', '3600'))).toMatchObject({ kind: ErrorKind.ERROR_KIND_INVALID_REQUEST, param: 'expires_after[anchor]' });
    expect(refusal(() => expiresAfterOfForm('created_at', '3599'))).toMatchObject({ param: 'expires_after[seconds]', message: "Invalid value for 'expires_after[seconds]': must be an integer between 3600 (1 hour) and 2592000 (30 days)." });
    expect(refusal(() => expiresAfterOfForm('created_at', '2592001')).param).toBe('expires_after[seconds]');
    expect(refusal(() => expiresAfterOfForm('created_at', '1e4')).param).toBe('expires_after[seconds]');
    expect(refusal(() => expiresAfterOfForm(undefined, '3600')).message).toBe("Missing required parameter: 'expires_after[anchor]'.");
    expect(refusal(() => expiresAfterOf({ anchor: 'created_at', seconds: 3600.5 }, 'output_expires_after')).param).toBe('output_expires_after.seconds');
    expect(refusal(() => expiresAfterOf({ anchor: 'created_at' }, 'output_expires_after')).param).toBe('output_expires_after.seconds');
    expect(refusal(() => expiresAfterOf('1h', 'output_expires_after')).param).toBe('output_expires_after');
  });
});

describe(FileExpirySweep.name, () => {
  let t: TestDatabase;
  let files: FilesService;
  let storage: DatabaseFileStorage;

  beforeAll(async () => {
    t = await openTestDatabase('postgres', 'file_expiry');
    await applyMigrations(t.db);
    storage = new DatabaseFileStorage(t.db);
    files = new FilesService(t.db, storage);
  });
  afterAll(() => t.dispose());

  const jsonl = Buffer.from('{}\n');

  it('gives a batch upload the documented 30 days, and other files none unless asked', async () => {
    const upload = await files.upload({ tenantId: 'acme', purpose: 'batch', filename: 'in.jsonl', data: jsonl });
    const chosen = await files.upload({ tenantId: 'acme', purpose: 'batch', filename: 'in.jsonl', data: jsonl, expiresAfterSeconds: 3600 });
    const output = await files.store({ tenantId: 'acme', purpose: 'batch_output', filename: 'out.jsonl', data: jsonl });

    expect(upload.expires_at).toBe(upload.created_at + 2_592_000);
    expect(chosen.expires_at).toBe(chosen.created_at + 3600);
    expect(output.expiresAt).toBeNull();
  });

  it('hides an expired file from retrieve, content, delete and list at once, and the sweep deletes its row and bytes', async () => {
    const kept = await files.upload({ tenantId: 'exp', purpose: 'batch', filename: 'kept.jsonl', data: jsonl });
    const gone = await files.upload({ tenantId: 'exp', purpose: 'batch', filename: 'gone.jsonl', data: jsonl, expiresAfterSeconds: 3600 });
    // An hour later, for this file only.
    await t.db.prisma.storedFile.update({ where: { id: gone.id }, data: { expiresAt: new Date(Date.now() - 1000) } });

    await expect(files.retrieve('exp', gone.id)).rejects.toMatchObject({ kind: ErrorKind.ERROR_KIND_NOT_FOUND, message: `No such File object: ${gone.id}` });
    await expect(files.content('exp', gone.id)).rejects.toMatchObject({ kind: ErrorKind.ERROR_KIND_NOT_FOUND });
    await expect(files.delete('exp', gone.id)).rejects.toMatchObject({ kind: ErrorKind.ERROR_KIND_NOT_FOUND });
    expect((await files.list('exp', {})).data.map((f) => f.id)).toEqual([kept.id]);

    const deleted = await new FileExpirySweep(t.db, storage).sweep(new Date());

    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(await t.db.prisma.storedFile.findUnique({ where: { id: gone.id } })).toBeNull();
    expect(await storage.open(gone.id)).toBeUndefined();
    expect((await files.content('exp', kept.id)).data).toEqual(jsonl);
    expect(await new FileExpirySweep(t.db, storage).sweep(new Date())).toBe(0);
  });
});
