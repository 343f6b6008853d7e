// OpenAPI links: from each operation that creates (or hands out) an id to the operations that take it, so that a
// client, a generated SDK or a stateful fuzzer follows ids instead of making them up. Targets are named by
// operationId (every route sets one); values are runtime expressions on the answer or the request.

/** An OpenAPI Link Object as these links use it. */
export interface LinkObject {
  operationId: string;
  parameters: Record<string, string>;
  description: string;
}

export type Links = Record<string, LinkObject>;

const link = (operationId: string, parameters: Record<string, string>, description: string): LinkObject => ({ operationId, parameters, description });

/** The operations that take a company id (besides the one that created it). */
export function companyLinks(companyId: string): Links {
  const p = { companyId };
  return {
    GetCompany: link('getCompany', p, 'The company'),
    PutCompany: link('putCompany', p, 'Update the company'),
    PutPersonioCredentials: link('putPersonioCredentials', p, 'Store its Personio credentials'),
    DeletePersonioCredentials: link('deletePersonioCredentials', p, 'Remove its Personio credentials'),
    StartConnectionTest: link('startConnectionTest', p, 'Test its Personio credentials'),
    ListCompensationTypes: link('listCompensationTypes', p, 'Its Personio compensation types'),
    PutBenefitMappings: link('putBenefitMappings', p, 'Map its benefits to compensation types'),
    GetBenefitMappings: link('getBenefitMappings', p, 'Its benefit mappings'),
    PutPayrollEntries: link('putPayrollEntries', p, 'Upload the entries of a period (the period is the client’s choice)'),
    GetPayrollEntries: link('getPayrollEntries', p, 'The entries of a period'),
    StartPayrollSync: link('startPayrollSync', p, 'Start a sync or a dry run'),
    ListPayrollSyncs: link('listPayrollSyncs', p, 'Its export log'),
    PutPayrollSchedule: link('putPayrollSchedule', p, 'Schedule its monthly export'),
    GetPayrollSchedule: link('getPayrollSchedule', p, 'Its schedule'),
    DeletePayrollSchedule: link('deletePayrollSchedule', p, 'Delete its schedule'),
    TriggerPayrollSchedule: link('triggerPayrollSchedule', p, 'Run its schedule now'),
  };
}

/** Personio-facing operations, once credentials are stored. */
export function credentialsLinks(companyId: string): Links {
  const wanted = new Set(['GetCompany', 'DeletePersonioCredentials', 'StartConnectionTest', 'ListCompensationTypes']);
  return Object.fromEntries(Object.entries(companyLinks(companyId)).filter(([name]) => wanted.has(name)));
}

/** The operations on one sync, from the answer that names it (syncId) and the company of the request path. */
export function syncLinks(syncId = '$response.body#/syncId', companyId = '$request.path.companyId'): Links {
  const p = { companyId, syncId };
  return {
    GetPayrollSync: link('getPayrollSync', p, 'The sync: status, progress, results'),
    RetryPayrollSync: link('retryPayrollSync', p, 'Run its period again'),
    ApprovePayrollSync: link('approvePayrollSync', p, 'Approve it (when it awaits approval)'),
    RejectPayrollSync: link('rejectPayrollSync', p, 'Reject it (when it awaits approval)'),
    GetSyncSummaryEmail: link('getSyncSummaryEmail', p, 'Preview its summary email (once it has finished)'),
  };
}

/** The operations on one webhook endpoint. */
export function webhookEndpointLinks(endpointId = '$response.body#/endpointId'): Links {
  const p = { endpointId };
  return {
    GetWebhookEndpoint: link('getWebhookEndpoint', p, 'The endpoint'),
    PutWebhookEndpoint: link('putWebhookEndpoint', p, 'Update it (the secret is kept)'),
    DeleteWebhookEndpoint: link('deleteWebhookEndpoint', p, 'Delete it'),
    ListWebhookDeliveries: link('listWebhookDeliveries', p, 'Its delivery attempts'),
  };
}

/** The next page of a cursor-paginated list: the same operation with the answer's nextCursor (absent on the last page). */
export function nextPageLink(operationId: string, pathParameters: Record<string, string>): Links {
  return {
    NextPage: link(operationId, { ...pathParameters, cursor: '$response.body#/nextCursor' }, 'The next page (send the same filters and limit); there is none while nextCursor is null'),
  };
}
