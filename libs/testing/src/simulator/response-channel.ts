import type { ServerResponse } from 'node:http';

/**
 * One response in flight: knows whether the client is still there, pauses without outliving
 * the connection, and tells a client hang-up apart from a cut the simulator made on purpose.
 */
export class ResponseChannel {
  /** Called once when the client closes the connection before the response finished. */
  onClientGone: (() => void) | undefined;
  private closed = false;
  private cutByServer = false;
  private wake: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly res: ServerResponse) {
    res.once('close', this.handleClose);
  }

  get open(): boolean {
    return !this.closed;
  }

  /** Resolves after `ms`, or as soon as the connection closes; true when still open. */
  sleep(ms: number): Promise<boolean> {
    if (ms <= 0 || this.closed) return Promise.resolve(!this.closed);
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = undefined;
        clearTimeout(this.timer);
        resolve(!this.closed);
      };
      this.timer = setTimeout(this.wake, ms);
    });
  }

  /** Resolves when the response can take more data, or as soon as the connection closes; true when still open. */
  drained(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve(!this.closed);
      };
      this.res.once('drain', done);
      this.res.once('close', done);
    });
  }

  /** Destroys the socket once `data` has been handed to the kernel: a mid-response reset. */
  cutAfter(data: string): void {
    this.cutByServer = true;
    if (data === '') this.res.flushHeaders();
    this.res.write(data, () => this.res.destroy());
  }

  private readonly handleClose = (): void => {
    this.closed = true;
    this.wake?.();
    if (!this.res.writableFinished && !this.cutByServer) this.onClientGone?.();
  };
}
