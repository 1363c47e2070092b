import type { DevMailSink } from './dev-mail-sink.js';

/**
 * The running development SMTP sink, set by the embedded launcher (`npm start`). Kept apart from
 * the sink itself so the dev mail routes can be loaded without loading an SMTP server.
 */
let current: DevMailSink | null = null;

export function setDevMailSink(sink: DevMailSink | null): void {
  current = sink;
}

export function devMailSink(): DevMailSink | null {
  return current;
}
