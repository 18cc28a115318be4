import { createDeadline } from '../../shared/deadline';
import { InvalidInputError, toAppError } from '../../shared/errors';
import type { Credentials, CredentialsProvider } from '../../shared/credentials';
import { invocationBudgetMs, type FcContext } from '../../shared/fc-context';
import type { Logger } from '../../shared/log';
import type { AlertDestination } from '../../shared/alerts/alert-content';
import type { BrokerDirectory } from '../../shared/trace/broker-port';
import type { LookupService } from '../../shared/trace/lookup-service';
import { mergeChecks, parsePayloadChecks, TimerEventSchema, type SpotCheck, type TimerEvent } from '../../shared/spot-check/check-schema';
import { createSpotCheckRunner, type RunSummary } from '../../shared/spot-check/spot-check-runner';
import type { SpotCheckStatePort } from '../../shared/spot-check/state-port';
import { parseInput } from '../../shared/validation';

export interface SpotCheckHandlerDeps {
  logger: Logger;
  now: () => number;
  /** The one lookup use case. */
  lookups: LookupService;
  /** The brokers the checks sample. */
  brokers: BrokerDirectory;
  credentials: CredentialsProvider;
  /** Checks from configuration; the timer payload may add more. */
  configuredChecks: readonly SpotCheck[];
  /** The run's budget, capped by the function timeout. */
  runDeadlineMs: number;
  /** Kept for alerts and the state; at most a third of the budget. */
  reserveMs: number;
  quietPeriodMs: number;
  destinations: readonly AlertDestination[];
  /** The state store for one invocation; the OSS one signs with the invocation's credentials. */
  stateFor: (credentials: Credentials) => SpotCheckStatePort;
}

/** Builds the timer-trigger handler: `(event, context) => RunSummary`. */
export function createSpotCheckHandler(deps: SpotCheckHandlerDeps) {
  return async (event: unknown, context: FcContext): Promise<RunSummary> => {
    const budget = invocationBudgetMs(context, deps.runDeadlineMs);
    const deadline = createDeadline(budget, deps.now);
    const runId = context.requestId;
    let timer: TimerEvent;
    let checks: SpotCheck[];
    let credentials: Credentials;
    try {
      timer = parseInput(TimerEventSchema, decodeEvent(event), 'event');
      checks = mergeChecks(deps.configuredChecks, parsePayloadChecks(timer.payload));
      credentials = deps.credentials(context);
    } catch (error) {
      const appError = toAppError(error);
      deps.logger.error('spot_check.rejected', {
        runId,
        errorCode: appError.code,
        error: appError.message,
        ...(appError instanceof InvalidInputError ? { issues: appError.issues } : {}),
      });
      throw appError;
    }
    const runner = createSpotCheckRunner({
      lookups: deps.lookups,
      brokers: deps.brokers,
      credentials,
      state: deps.stateFor(credentials),
      destinations: deps.destinations,
      logger: deps.logger,
      now: deps.now,
      quietPeriodMs: deps.quietPeriodMs,
    });
    return runner.run({
      runId,
      triggerName: timer.triggerName,
      triggerTime: timer.triggerTime,
      checks,
      deadline,
      reserveMs: Math.min(deps.reserveMs, Math.floor(budget / 3)),
    });
  };
}

/** FC hands the timer event over as a Buffer of JSON. */
function decodeEvent(event: unknown): unknown {
  if (typeof event === 'object' && event !== null && !(event instanceof Uint8Array)) return event;
  const text = event instanceof Uint8Array ? Buffer.from(event).toString('utf8') : typeof event === 'string' ? event : '';
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidInputError([{ path: 'event', message: 'is not a JSON timer event {triggerTime, triggerName, payload}' }]);
  }
}
