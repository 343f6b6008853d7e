// The worker's Prometheus endpoint: the Temporal SDK runtime's own exporter (its metrics: task slots, schedule-to-
// start latency, workflow task failures, …) carries our counters too, through the runtime's meter, so one port
// serves both and no exposition code is ours. Labels name endpoints and statuses, never a company or a person.
import type { MetricCounter } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import type { PersonioRequestObserver } from '../personio/index.js';

/**
 * Installs the process's Temporal runtime with a Prometheus exporter on `port` (0 = no metrics) and returns what the
 * worker's dependencies take to count Personio requests on it. Call before any connection.
 */
export function installWorkerTelemetry(port: number): { personioObserver?: PersonioRequestObserver } {
  if (port === 0) return {};
  Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress: `0.0.0.0:${port}`, useSecondsForDurations: true } } } });
  return { personioObserver: personioRequestMetrics() };
}

/** Counts every Personio answer by endpoint and status, and 429s on their own. */
function personioRequestMetrics(): PersonioRequestObserver {
  const meter = Runtime.instance().metricMeter;
  const requests: MetricCounter = meter.createCounter('personio_requests_total', 'requests', 'Personio HTTP attempts by endpoint and outcome (status, timeout, network)');
  const rateLimited: MetricCounter = meter.createCounter('personio_rate_limited_total', 'requests', 'Personio 429 answers by endpoint');
  return {
    requestDone(endpoint, outcome) {
      requests.add(1, { endpoint, outcome: String(outcome) });
      if (outcome === 429) rateLimited.add(1, { endpoint });
    },
  };
}
