// Makes sure every benefit of the period has a Personio compensation type: mapped ids are checked,
// unmapped benefits get a ONE_TIME type named after them — found by name first, created at most once.
import { FailureType } from '../../contracts/failures.js';
import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from 'mongodb';
import { companyCollections, saveResolvedMapping, type BenefitMapping } from '../../db/companies.js';
import { claimTypeCreation } from '../../db/type-claims.js';
import type { Locale } from '../../i18n/locale.js';
import { saveCreatedTypes, type CreatedCompensationType, type SyncRunDoc } from '../../db/sync-runs.js';
import { normalizeTypeName, oneTimeTypeName, typesNamed, unsuitableReason } from '../../payroll/benefit-types.js';
import { iterateEntries } from '../../db/entry-sets.js';
import type { PersonioClient, PersonioCompensationType } from '../../personio/index.js';
import type { ActivityDeps } from '../deps.js';
import { personioClientFor } from '../personio-access.js';
import { loadRun, requireEntrySet } from './sync-context.js';

export type BenefitTypeResolution =
  | { benefitKey: string; benefitName: string; status: 'ok'; compensationTypeId: string }
  | { benefitKey: string; benefitName: string; status: 'type_missing' | 'type_not_allowed'; reason: string }
  | { benefitKey: string; benefitName: string; status: 'would_create' };

export interface EnsureTypesResult {
  benefits: BenefitTypeResolution[];
  createdTypes: CreatedCompensationType[];
}

async function benefitKeysOfEntries(db: Db, setId: string, chunkCount: number): Promise<string[]> {
  const keys = new Set<string>();
  for await (const entry of iterateEntries(db, setId, chunkCount)) keys.add(entry.benefitKey);
  return [...keys].sort();
}

export function createEnsureTypesActivity(deps: ActivityDeps) {
  /**
   * The ONE_TIME type of an unmapped benefit: found by name, or created once. A type of another category with the
   * benefit's name is never used: the ONE_TIME type then gets a distinct name (see oneTimeTypeName).
   */
  async function resolveUnmapped(client: PersonioClient, types: PersonioCompensationType[], run: SyncRunDoc, locale: Locale, mapping: BenefitMapping) {
    const name = oneTimeTypeName(types, mapping.benefitName, locale);
    const existing = typesNamed(types, name).oneTime;
    if (existing) return { type: existing, how: 'found_by_name' as const };
    if (run.dryRun) return undefined;
    const claim = await claimTypeCreation(deps.db, run.companyId, normalizeTypeName(name), run._id);
    if (!claim.claimed) throw ApplicationFailure.retryable(`Type "${name}" is being created by sync ${claim.bySyncId}; retrying`, FailureType.TypeCreationInProgress);
    // Listed again right before creating: a retry after a lost response finds the type it created.
    const again = typesNamed(await client.listCompensationTypes(), name).oneTime;
    if (again) return { type: again, how: 'found_by_name' as const };
    const created = await client.createCompensationType(name);
    deps.logger.info('created compensation type', { companyId: run.companyId, benefitKey: mapping.benefitKey, compensationTypeId: created.id });
    return { type: created, how: 'created' as const };
  }

  return {
    ensureCompensationTypes: (input: { syncId: string }): Promise<EnsureTypesResult> => ensureCompensationTypes(input),
  };

  async function ensureCompensationTypes(input: { syncId: string }): Promise<EnsureTypesResult> {
    const run = await loadRun(deps.db, input.syncId);
    const benefitKeys = await benefitKeysOfEntries(deps.db, requireEntrySet(run), run.entryChunkCount ?? 0);
    const mappingsDoc = await companyCollections(deps.db).benefitMappings.findOne({ _id: run.companyId });
    const mappingOf = new Map((mappingsDoc?.mappings ?? []).map((m) => [m.benefitKey, m]));
    const client = await personioClientFor(deps, run.companyId, 'sync');
    const types = await client.listCompensationTypes();
    const locale = (await companyCollections(deps.db).companies.findOne({ _id: run.companyId }, { projection: { locale: 1 } }))?.locale ?? 'de';
    /** What a resolved type looks like in the report: its Personio name, and the other-category types of the benefit's name. */
    const reportOf = (benefitName: string, type: PersonioCompensationType) => {
      const sameName = typesNamed(types, benefitName)
        .otherCategories.filter((t) => t.id !== type.id)
        .map((t) => ({ compensationTypeId: t.id, name: t.name, category: t.category ?? null }));
      return { name: type.name, ...(sameName.length > 0 ? { sameNameOtherCategory: sameName } : {}) };
    };

    const benefits: BenefitTypeResolution[] = [];
    const createdTypes: CreatedCompensationType[] = [];
    for (const benefitKey of benefitKeys) {
      const mapping = mappingOf.get(benefitKey);
      if (!mapping) {
        benefits.push({ benefitKey, benefitName: benefitKey, status: 'type_missing', reason: `Benefit "${benefitKey}" has no mapping; add it to the benefit mappings.` });
        continue;
      }
      const { benefitName } = mapping;
      if (mapping.compensationTypeId !== null) {
        const type = types.find((t) => t.id === mapping.compensationTypeId);
        const unsuitable = type && unsuitableReason(type);
        if (!type) {
          benefits.push({
            benefitKey,
            benefitName,
            status: 'type_missing',
            reason: `The mapped compensation type ${mapping.compensationTypeId} no longer exists in Personio; map "${benefitName}" to another type.`,
          });
        } else if (unsuitable) {
          // Mapped when it was ONE_TIME (or before mappings were checked): its category changed since. Never post.
          benefits.push({
            benefitKey,
            benefitName,
            status: 'type_not_allowed',
            reason: `The mapped compensation type "${type.name}" (${type.id}) has the category ${type.category ?? 'unknown'} in Personio (${unsuitable}) Nothing was posted: map "${benefitName}" to a ONE_TIME type.`,
          });
        } else {
          benefits.push({ benefitKey, benefitName, status: 'ok', compensationTypeId: type.id });
          // An earlier attempt of this very sync resolved it: still report it as this run's doing.
          if (mapping.resolvedBySyncId === input.syncId) {
            createdTypes.push({ benefitKey, benefitName, compensationTypeId: type.id, how: mapping.resolvedHow ?? 'created', ...reportOf(benefitName, type) });
          }
        }
        continue;
      }
      const resolved = await resolveUnmapped(client, types, run, locale, mapping);
      if (!resolved) {
        benefits.push({ benefitKey, benefitName, status: 'would_create' });
        continue;
      }
      if (!run.dryRun && !(await saveResolvedMapping(deps.db, run.companyId, benefitKey, { typeId: resolved.type.id, how: resolved.how, syncId: input.syncId }))) {
        throw ApplicationFailure.retryable('The benefit mappings kept changing while saving a created type; retrying', FailureType.MappingConflict);
      }
      types.push(resolved.type);
      benefits.push({ benefitKey, benefitName, status: 'ok', compensationTypeId: resolved.type.id });
      createdTypes.push({ benefitKey, benefitName, compensationTypeId: resolved.type.id, how: resolved.how, ...reportOf(benefitName, resolved.type) });
    }
    await saveCreatedTypes(deps.db, input.syncId, createdTypes);
    return { benefits, createdTypes };
  }
}
