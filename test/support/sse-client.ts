/**
 * A small Server-Sent Events client over fetch, for tests: parses `id:`, `event:`, `data:` and
 * comment lines as the EventSource spec does, keeps the last event id, and lets a test wait for
 * a number of events. Loopback only.
 */
export interface SseEvent {
  id: string | null;
  event: string | null;
  data: string;
  json<T = Record<string, unknown>>(): T;
}

export class SseClient {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  status = 0;
  lastEventId: string | null = null;
  private readonly abort = new AbortController();
  private waiters: Array<() => void> = [];
  private done: Promise<void> = Promise.resolve();
  closed = false;

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    const res = await fetch(url, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: client.abort.signal,
    });
    client.status = res.status;
    if (!res.ok || !res.body) {
      client.closed = true;
      client.errorBody = await res.text();
      return client;
    }
    client.done = client.read(res.body);
    return client;
  }

  errorBody = '';

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    let id: string | null = null;
    let event: string | null = null;
    let data: string[] = [];
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let newline: number;
        while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
          if (line === '') {
            if (data.length) {
              const text = data.join('\n');
              if (id !== null) this.lastEventId = id;
              this.events.push({ id, event, data: text, json: <T>() => JSON.parse(text) as T });
              this.notify();
            }
            id = null;
            event = null;
            data = [];
          } else if (line.startsWith(':')) {
            this.comments.push(line.slice(1).trim());
            this.notify();
          } else {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'id') id = value;
            else if (field === 'event') event = value;
            else if (field === 'data') data.push(value);
          }
        }
      }
    } catch {
      // aborted
    } finally {
      this.closed = true;
      this.notify();
    }
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Waits until `predicate` holds (checked on every event), or fails after `timeoutMs`. */
  async until(
    predicate: (c: SseClient) => boolean,
    timeoutMs = 15_000,
    what = 'events',
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      const left = deadline - Date.now();
      if (left <= 0 || this.closed) {
        throw new Error(
          `SSE: timed out waiting for ${what}; got ${this.events.length} event(s): ${this.events
            .map((e) => e.data.slice(0, 120))
            .join(' | ')}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  waitForEvents(count: number, timeoutMs?: number): Promise<void> {
    return this.until((c) => c.events.length >= count, timeoutMs, `${count} event(s)`);
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}
