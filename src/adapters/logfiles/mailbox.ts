/**
 * @module adapters/logfiles/mailbox
 * Messages from another thread for one reader, taken in the order they came: the next one at once when it is there,
 * or when it comes. Used where a worker's messages are read one at a time (analyze's scan pool, standard input's
 * reader).
 */
export class Mailbox<T> {
  readonly #items: T[] = [];
  #waiter: ((item: T) => void) | undefined;

  /** A message came: to the reader waiting for one, or kept until it asks. */
  put(item: T): void {
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      waiter(item);
    } else {
      this.#items.push(item);
    }
  }

  /** The next message, once there is one. One reader: a second `take` before the first resolves is not supported. */
  take(): Promise<T> {
    if (this.#items.length > 0) {
      return Promise.resolve(this.#items.shift() as T);
    }
    return new Promise<T>((resolve) => {
      this.#waiter = resolve;
    });
  }
}
