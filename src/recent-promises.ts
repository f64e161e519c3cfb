/**
 * Work done once per key and asked for again (a room's keys derived, a peer's key imported): the
 * promises of the `limit` keys used last, the least recently used forgotten first. A promise that
 * rejects is forgotten, so that the next ask tries again.
 */
export class RecentPromises<T> {
  private readonly entries = new Map<string, Promise<T>>();

  constructor(private readonly limit: number) {}

  get(key: string, start: () => Promise<T>): Promise<T> {
    let promise = this.entries.get(key);
    if (promise) {
      // Most recently used last: the first entry is the one to forget.
      this.entries.delete(key);
    } else {
      promise = start();
      promise.catch(() => this.entries.get(key) === promise && this.entries.delete(key));
      if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(key, promise);
    return promise;
  }
}
