/**
 * The one error type that crosses the transport contract. An `Error` subclass (so it has a stack and
 * survives `instanceof` checks and `console.error`) with a closed code union and a `retryable` flag,
 * the way BotFramework's Direct Line errors carry a status: the store decides what to do from the
 * code and the flag, never from a message string. The table of codes is in TRANSPORTS.md.
 */

export type TransportErrorCode =
  /** The link is down or went down while the call was in flight; the call may be repeated. */
  | 'disconnected'
  /** The backend could not be reached (DNS, refused, offline, CORS, 5xx); try again later. */
  | 'network'
  /** No answer in time. */
  | 'timeout'
  /** The backend refused our credentials (token, signature, authorize hook). */
  | 'auth'
  /** The backend refused the request itself (4xx): repeating it will not help. */
  | 'refused'
  /** The resource (chat, FSM, conversation) does not exist. */
  | 'not-found'
  /** A file or message is larger than the backend takes. */
  | 'too-large'
  /** The caller cancelled. */
  | 'aborted'
  /** The configuration cannot work (mixed content, credentials in a URL, wrong protocol version). */
  | 'config'
  /** The backend answered something we cannot decode. */
  | 'protocol'
  /** The backend ended the session; the next message starts a new one. */
  | 'session-ended'
  /** The conversation was taken over by another connection of the same visitor. */
  | 'evicted'
  /**
   * A send whose outcome cannot be known (the page went away while it was in flight and the
   * backend cannot be asked): it may have arrived, so only the visitor may send it again.
   */
  | 'unconfirmed'
  /** Anything else. */
  | 'unknown';

/** Codes whose failures go away by themselves (a later attempt may succeed without any change). */
const RETRYABLE_BY_DEFAULT: ReadonlySet<TransportErrorCode> = new Set(['disconnected', 'network', 'timeout']);

export class TransportError extends Error {
  override readonly name = 'TransportError';
  readonly code: TransportErrorCode;
  /** True when repeating the same call later may succeed. */
  readonly retryable: boolean;
  /** HTTP status or close code behind the error, when there was one. */
  readonly status: number | undefined;

  constructor(
    code: TransportErrorCode,
    message: string,
    options: { retryable?: boolean; status?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.has(code);
    this.status = options.status;
  }

  /** Final: reconnecting will not help (the inverse of `retryable`, named for status reports). */
  get fatal(): boolean {
    return !this.retryable;
  }
}

/** Anything caught becomes a TransportError; a non-TransportError is `unknown` and not retryable. */
export function toTransportError(err: unknown): TransportError {
  if (err instanceof TransportError) return err;
  if (err instanceof DOMException && err.name === 'AbortError')
    return new TransportError('aborted', 'Cancelled');
  return new TransportError('unknown', err instanceof Error ? err.message : 'Unexpected failure', {
    cause: err,
  });
}

/** The error every `send` rejects with while the link is down. */
export const notConnected = () => new TransportError('disconnected', 'Not connected');
