// Lists a company's Personio compensation types for the benefit-mapping dropdown.
import type { ActivityDeps } from './deps.js';
import { personioClientFor } from './personio-access.js';
import { mapPersonioErrors } from './personio-failure.js';

export interface CompensationTypeOption {
  id: string;
  name: string;
  category: string | null;
  /** Monthly benefits must go to ONE_TIME types: payroll imports onto recurring types fail. */
  suitableForBenefits: boolean;
}

export function createCompensationTypeActivities(deps: ActivityDeps) {
  return {
    async listPersonioCompensationTypes(input: { companyId: string }): Promise<CompensationTypeOption[]> {
      const client = await personioClientFor(deps, input.companyId, 'interactive');
      const types = await mapPersonioErrors(() => client.listCompensationTypes());
      return types
        .map((t) => ({ id: t.id, name: t.name, category: t.category ?? null, suitableForBenefits: t.category === 'ONE_TIME' }))
        .sort((a, b) => a.name.localeCompare(b.name));
    },
  };
}
