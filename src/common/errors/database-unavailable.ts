import { mongo } from 'mongoose';

/**
 * MongoDB server error codes that mean "the database cannot serve right now" (a node is
 * shutting down, stepping down, or unreachable) rather than "this request is wrong".
 */
const UNAVAILABLE_CODES = new Set([6, 7, 89, 91, 189, 9001, 10107, 11600, 11602, 13435, 13436]);

/**
 * FerretDB reports its storage being away as InternalError (code 1) carrying PostgreSQL's
 * message: connection classes 08xxx, admin shutdown 57P0x, too many connections 53300, or the
 * dial error itself.
 */
const STORAGE_AWAY =
  /SQLSTATE (08\w{3}|57P0\d|53300)|connect: connection refused|failed to connect|the database system is (starting up|shutting down)/;

/** True when a database error is an outage (answer 503 and retry), not a fault of the request. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (
    error instanceof mongo.MongoNetworkError ||
    error instanceof mongo.MongoServerSelectionError ||
    error instanceof mongo.MongoNotConnectedError ||
    error instanceof mongo.MongoTopologyClosedError
  ) {
    return true;
  }
  if (error instanceof Error && error.name === 'MongooseServerSelectionError') return true;
  if (error instanceof mongo.MongoServerError) {
    if (typeof error.code === 'number' && UNAVAILABLE_CODES.has(error.code)) return true;
    return error.code === 1 && STORAGE_AWAY.test(error.message);
  }
  return false;
}
