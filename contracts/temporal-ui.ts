// Links into the Temporal Web UI, for API answers and emails.

export interface TemporalUiConfig {
  temporalUiUrl: string;
  temporalNamespace: string;
}

const namespaceUrl = (config: TemporalUiConfig) => `${config.temporalUiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(config.temporalNamespace)}`;

export const workflowUiUrl = (config: TemporalUiConfig, workflowId: string, runId?: string) =>
  `${namespaceUrl(config)}/workflows/${encodeURIComponent(workflowId)}${runId ? `/${encodeURIComponent(runId)}` : ''}`;

export const scheduleUiUrl = (config: TemporalUiConfig, scheduleId: string) => `${namespaceUrl(config)}/schedules/${encodeURIComponent(scheduleId)}`;

/** The one-line static summary of a payroll sync in the Temporal UI's workflow list. */
export function syncWorkflowSummary(sync: { companyId: string; period: string; dryRun: boolean; trigger: string; entryCount?: number }): string {
  const entries = sync.entryCount === undefined ? '' : ` · ${sync.entryCount} ${sync.entryCount === 1 ? 'entry' : 'entries'}`;
  return `${sync.dryRun ? 'Dry run' : 'Payroll sync'} · company ${sync.companyId} · ${sync.period}${entries} · started by ${sync.trigger}`;
}
