import type { Credentials } from '../ons/ons-port';

/** The function to invoke: on FC, this same function. */
export interface InvokeTarget {
  accountId: string;
  region: string;
  functionName: string;
}

/**
 * Hands a payload to an asynchronous invocation (`x-fc-invocation-type: Async`). FC queues it,
 * answers 202 and runs it at least once, after the current invocation may already have returned.
 * Failures reject with an AppError (UPSTREAM_FAILED, UPSTREAM_TIMEOUT, CREDENTIALS_INVALID…).
 */
export interface InvokerPort {
  invokeAsync(payload: Buffer, target: InvokeTarget, credentials: Credentials): Promise<{ requestId: string | undefined }>;
}
