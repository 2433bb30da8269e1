import { EventEmitter } from 'node:events';
import { exitQuietlyOnClosedOutput } from './closed-output.guard';

function epipe(code = 'EPIPE'): NodeJS.ErrnoException {
  return Object.assign(new Error(`write ${code}`), { code });
}

describe(exitQuietlyOnClosedOutput.name, () => {
  it('exits with status 0 when the reader of stdout or stderr went away', () => {
    const [out, err] = [new EventEmitter(), new EventEmitter()];
    const exits: number[] = [];
    exitQuietlyOnClosedOutput([out, err], (code) => exits.push(code));

    out.emit('error', epipe());
    err.emit('error', epipe());
    expect(exits).toEqual([0, 0]);
  });

  it('rethrows any other write error, and lets go of the streams when taken off', () => {
    const out = new EventEmitter();
    const exits: number[] = [];
    const off = exitQuietlyOnClosedOutput([out], (code) => exits.push(code));

    expect(() => out.emit('error', epipe('ENOSPC'))).toThrow('write ENOSPC');
    off();
    expect(out.listenerCount('error')).toBe(0);
    expect(exits).toEqual([]);
  });
});
