import type { EventEmitter } from 'node:events';

/**
 * A command's reader may stop reading early (`switchyard keys create --help | head`): the next
 * write to the closed pipe fails with EPIPE, emitted as an 'error' event on the stream, which
 * without a listener ends the process with a stack trace. A command line exits quietly there
 * (status 0: the reader chose to stop, as a shell pipeline expects of `head`); any other write
 * error is rethrown as before. Returns the function that takes the guard off again (`serve`: a
 * gateway's logs are not a command's output, and losing them must not stop it quietly).
 */
export function exitQuietlyOnClosedOutput(streams: readonly EventEmitter[] = [process.stdout, process.stderr], exit: (code: number) => void = (code) => process.exit(code)): () => void {
  const onError = (err: NodeJS.ErrnoException): void => {
    if (err.code !== 'EPIPE') throw err;
    exit(0);
  };
  for (const s of streams) s.on('error', onError);
  return () => {
    for (const s of streams) s.off('error', onError);
  };
}
