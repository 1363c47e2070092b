/** The message of anything thrown, for logs and wrapped errors. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The stack of anything thrown (its message when it has none), for error logs. */
export function errorStack(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** Anything thrown, as an Error (to rethrow or keep). */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
