import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquirePgliteLock } from './pglite-lock';

describe(acquirePgliteLock.name, () => {
  const dir = () => join(mkdtempSync(join(tmpdir(), 'sy-lock-')), 'pglite');

  it('writes our pid beside the folder and removes it on release', () => {
    const d = dir();
    const release = acquirePgliteLock(d);
    expect(readFileSync(`${d}.lock`, 'utf8')).toBe(String(process.pid));
    release();
    expect(existsSync(`${d}.lock`)).toBe(false);
  });

  it('refuses a second open in the same process', () => {
    const d = dir();
    const release = acquirePgliteLock(d);
    expect(() => acquirePgliteLock(d)).toThrow('already open in this process');
    release();
  });

  it('refuses while another live process holds the lock, naming it', async () => {
    const d = dir();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(`${d}.lock`, String(other.pid));
      expect(() => acquirePgliteLock(d)).toThrow(`in use by process ${other.pid}`);
    } finally {
      other.kill();
    }
  });

  it('takes over a lock left by a process that is gone, or by an earlier process with our pid', async () => {
    const d = dir();
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => gone.once('exit', r));
    writeFileSync(`${d}.lock`, String(gone.pid));
    acquirePgliteLock(d)();
    writeFileSync(`${d}.lock`, String(process.pid));
    const release = acquirePgliteLock(d);
    expect(readFileSync(`${d}.lock`, 'utf8')).toBe(String(process.pid));
    release();
  });
});
