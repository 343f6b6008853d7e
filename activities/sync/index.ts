import type { ActivityDeps } from '../deps.js';
import { createApprovalActivities } from './approval.js';
import { createBeginSyncActivity } from './begin-sync.js';
import { createEnsureTypesActivity } from './ensure-types.js';
import { createFinishSyncActivity } from './finish-sync.js';
import { createPlanSyncActivity } from './plan-sync.js';
import { createPushChunkActivity } from './push-chunk.js';
import { createResolveEmployeesActivity } from './resolve-employees.js';

export function createSyncActivities(deps: ActivityDeps) {
  return {
    ...createBeginSyncActivity(deps),
    ...createResolveEmployeesActivity(deps),
    ...createEnsureTypesActivity(deps),
    ...createPlanSyncActivity(deps),
    ...createPushChunkActivity(deps),
    ...createFinishSyncActivity(deps),
    ...createApprovalActivities(deps),
  };
}
