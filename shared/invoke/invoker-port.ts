import { createHash } from 'node:crypto';
import type { Credentials } from '../credentials';

/** The function to invoke: on FC, this same function. */
export interface InvokeTarget {
  accountId: string;
  region: string;
  functionName: string;
}

/** Per-invocation options of {@link InvokerPort.invokeAsync}. */
export interface InvokeAsyncOptions {
  /**
   * The delivery's idempotency key (`slack:<trigger_id>`, `dingtalk:<msgId>`). The adapter sends
   * {@link asyncTaskIdFor} of it as `x-fc-async-task-id`, so FC refuses a second hand-off of the
   * same delivery from any instance.
   */
  idempotencyKey: string;
}

/**
 * What FC answered to an accepted hand-off. `duplicate`: FC already holds an async task with this
 * ID (HTTP 409), so the job is already queued or done and nothing was invoked this time.
 */
export interface InvokeResult {
  status: 'accepted' | 'duplicate';
  /** FC's `x-fc-request-id`, when it sent a well-formed one. */
  requestId: string | undefined;
  /** The `x-fc-async-task-id` that was sent. */
  taskId: string;
}

/**
 * Hands a payload to an asynchronous invocation (`x-fc-invocation-type: Async`) with a task ID
 * derived from the delivery's key. FC queues it, answers 202 and runs it at least once, after the
 * current invocation may already have returned; a reused task ID is answered 409 and reported as
 * `duplicate`, not as a failure. Other failures reject with an AppError (UPSTREAM_FAILED,
 * UPSTREAM_TIMEOUT, CREDENTIALS_INVALID, PERMISSION_DENIED…) that never quotes FC's message.
 */
export interface InvokerPort {
  invokeAsync(payload: Buffer, target: InvokeTarget, credentials: Credentials, options: InvokeAsyncOptions): Promise<InvokeResult>;
}

/**
 * FC's rule for an async task ID (`InvokeFunctionHeaders.xFcAsyncTaskId` in `@alicloud/fc20230330`):
 * starts with a letter or `_`, then letters, digits, `_` and `-`, at most 128 characters.
 */
export const ASYNC_TASK_ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;

// A version tag, so that a change of derivation never collides with IDs FC still remembers.
const TASK_ID_NAMESPACE = 'mqtrace/async-task/v1\n';

/**
 * The async task ID of a delivery: `mqtrace-` and the hex SHA-256 of its idempotency key (72
 * characters). Deterministic, so every instance that sees the same delivery sends the same ID;
 * always within {@link ASYNC_TASK_ID_PATTERN}, whatever characters the key holds (Slack's
 * `trigger_id` has dots, which FC does not allow).
 *
 * @param idempotencyKey - The delivery's key, e.g. `slack:13345224609.738474920.8088930838d88f008e0`.
 * @returns A task ID FC accepts.
 */
export function asyncTaskIdFor(idempotencyKey: string): string {
  return `mqtrace-${createHash('sha256').update(TASK_ID_NAMESPACE).update(idempotencyKey, 'utf8').digest('hex')}`;
}
