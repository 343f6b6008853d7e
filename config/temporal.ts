// Temporal connection settings follow Temporal's own environment conventions (TEMPORAL_ADDRESS,
// TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE + config file), so the
// same build runs against the dev server, a self-hosted cluster or Temporal Cloud.
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';

export interface TemporalConnectSettings {
  connectionOptions: NativeConnectionOptions;
  namespace: string;
}

export function temporalConnectSettings(env: NodeJS.ProcessEnv = process.env): TemporalConnectSettings {
  const stringEnv = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
  const config = loadClientConnectConfig({ overrideEnvVars: stringEnv });
  return {
    connectionOptions: { ...config.connectionOptions, address: config.connectionOptions.address ?? 'localhost:7233' },
    namespace: config.namespace ?? 'default',
  };
}
