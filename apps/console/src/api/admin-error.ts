/** An admin API failure in its documented shape (`{ error: { type, message } }`), or a network one. */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }

  /** What the console shows: the API's own message, which names the field at fault. */
  describe(): string {
    return this.status ? `${this.status} ${this.type}: ${this.message}` : this.message;
  }
}
