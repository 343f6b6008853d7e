// Applied to every activity at the worker's boundary, once, instead of by each activity:
// - a Personio error becomes a typed Temporal failure (retryable or not, see activities/personio-failure.ts);
// - an activity with a heartbeat timeout heartbeats in the background while it runs, so a live attempt is never
//   timed out (and retried in parallel) because one call waits out a long Retry-After, while a dead worker stops
//   heartbeating and its attempt is retried after the heartbeat timeout.
import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { toActivityFailure } from './personio-failure.js';

/** Background heartbeat interval; activities' heartbeat timeouts are 20 s. */
export const HEARTBEAT_EVERY_MS = 5_000;

export function heartbeatingInterceptors(everyMs = HEARTBEAT_EVERY_MS): ActivityInterceptorsFactory {
  return (ctx: Context) => ({
    inbound: {
      async execute(input, next) {
        const timer = ctx.info.heartbeatTimeoutMs ? setInterval(() => ctx.heartbeat(), everyMs) : undefined;
        try {
          return await next(input);
        } catch (error) {
          throw toActivityFailure(error);
        } finally {
          clearInterval(timer);
        }
      },
    },
  });
}
