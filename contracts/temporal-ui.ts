// Links into the Temporal Web UI, for API answers and emails.

export interface TemporalUiConfig {
  temporalUiUrl: string;
  temporalNamespace: string;
}

const namespaceUrl = (config: TemporalUiConfig) => `${config.temporalUiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(config.temporalNamespace)}`;

export const workflowUiUrl = (config: TemporalUiConfig, workflowId: string, runId?: string) =>
  `${namespaceUrl(config)}/workflows/${encodeURIComponent(workflowId)}${runId ? `/${encodeURIComponent(runId)}` : ''}`;

export const scheduleUiUrl = (config: TemporalUiConfig, scheduleId: string) => `${namespaceUrl(config)}/schedules/${encodeURIComponent(scheduleId)}`;
