import type { Deadline } from '../deadline';

/** One consumer group's status for a message, as OnsMessageTrace returns it. */
export interface MessageTrack {
  consumerGroup: string;
  /** Raw value, unknown values included. */
  trackType: string;
  instanceId?: string;
  exceptionDesc?: string;
}

/** Every upstream attempt, recorded for logs, audits and call counting. Never holds credentials. */
export interface UpstreamAttempt {
  action: string;
  attempt: number;
  /** 'OK' or the upstream/transport error code. */
  outcome: string;
  requestId?: string;
  latencyMs: number;
}

export interface CallContext {
  deadline: Deadline;
  /** Attempts are appended here as they happen. */
  trail?: UpstreamAttempt[];
  /** Overrides the gateway's per-call timeout, e.g. longer for a deferred chat lookup; the deadline still caps it. */
  callTimeoutMs?: number;
}

export interface MessageTraceResult {
  tracks: MessageTrack[];
  requestId: string;
}

/**
 * The ONS OpenAPI as the domain sees it. Implementations own signing, rate limits, retries and
 * error typing; failures reject with an {@link AppError} subclass.
 */
export interface OnsPort {
  /** `OnsMessageTrace`: per-group consumption status of one message. */
  messageTrace(query: { instanceId: string; topic: string; msgId: string }, ctx: CallContext): Promise<MessageTraceResult>;
}

/** STS or AccessKey credentials for one signed call. */
export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}
