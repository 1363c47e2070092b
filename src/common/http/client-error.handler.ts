import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorEnvelope } from './all-exceptions.filter.js';

interface ClientError extends Error {
  code?: string;
}

/** Node's parser errors mapped to a status and a message that reveal nothing internal. */
function describe(error: ClientError): { status: number; reason: string; body: ErrorEnvelope } {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return {
      status: 431,
      reason: 'Request Header Fields Too Large',
      body: {
        success: false,
        error: {
          code: 'HEADERS_TOO_LARGE',
          message: 'Request headers (or URL) are too large',
        },
      },
    };
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return {
      status: 408,
      reason: 'Request Timeout',
      body: {
        success: false,
        error: { code: 'REQUEST_TIMEOUT', message: 'The request was not received in time' },
      },
    };
  }
  return {
    status: 400,
    reason: 'Bad Request',
    body: {
      success: false,
      error: { code: 'BAD_REQUEST', message: 'Malformed HTTP request' },
    },
  };
}

/**
 * Errors Node's HTTP server raises before any app code runs (a request line it cannot parse,
 * headers over the size limit) are answered in the same error envelope as everything else,
 * instead of Node's bare `400 Bad Request` with no body.
 */
export function answerClientErrorsWithEnvelope(server: Server): void {
  server.on('clientError', (error: ClientError, socket: Duplex) => {
    // Nothing to answer on a connection the client already dropped.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const { status, reason, body } = describe(error);
    const json = JSON.stringify(body);
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(json)}\r\n` +
        'Connection: close\r\n\r\n' +
        json,
    );
  });
}
