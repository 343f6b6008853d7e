// Lists a company's Personio compensation types for the benefit-mapping dropdown.
import type { CompensationTypeOption, CompensationTypesInput } from '../contracts/connection-test.js';
import { unsuitableReason } from '../payroll/benefit-types.js';
import type { ActivityDeps } from './deps.js';
import { personioClientFor } from './personio-access.js';

export function createCompensationTypeActivities(deps: ActivityDeps) {
  return {
    async listPersonioCompensationTypes(input: CompensationTypesInput): Promise<CompensationTypeOption[]> {
      const client = await personioClientFor(deps, input.companyId, 'interactive');
      const types = await client.listCompensationTypes();
      return types
        .map((t) => {
          const unsuitable = unsuitableReason(t);
          return { id: t.id, name: t.name, category: t.category ?? null, suitableForBenefits: unsuitable === undefined, unsuitableReason: unsuitable ?? null };
        })
        .sort((a, b) => a.name.localeCompare(b.name));
    },
  };
}
