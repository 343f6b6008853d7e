// The company aggregate: profile, encrypted Personio credentials and benefit mappings, with every write to them.
import type { Collection, Db } from 'mongodb';
import type { ConnectionCheckId, ConnectionTestResult, PersonioConnectionStatus } from '../contracts/connection-test.js';
import type { Locale } from '../i18n/locale.js';
import type { EncryptedSecret } from '../security/credentials-cipher.js';

export interface CompanyDoc {
  _id: string;
  name: string;
  managerEmails: string[];
  locale: Locale;
  timezone: string;
  /** Day (1–28) of the month after a period on which that period's payroll closes, company time; null/absent: no guard. */
  payrollCutoffDay?: number | null;
  /** Four eyes: every sync waits for a second person's approval (absent: none). */
  approval?: 'none' | 'required';
  approvalReminderAfterHours?: number;
  approvalExpiresAfterHours?: number;
  lastConnectionTest?: ConnectionTestResult;
  /** Written by db/connection-health.ts only. */
  personioConnection?: StoredConnectionState;
  createdAt: Date;
  updatedAt: Date;
}

export interface StoredConnectionState {
  status: PersonioConnectionStatus;
  checkedAt: Date;
  failingChecks: ConnectionCheckId[];
  since: Date;
  /** Transitions announced so far (see payroll/connection-health.ts): odd = the platform was last told "broken". */
  transitions: number;
}

export interface PersonioCredentialsDoc {
  _id: string; // companyId
  clientId: string;
  clientSecret: EncryptedSecret;
  updatedAt: Date;
}

export interface BenefitMapping {
  benefitKey: string;
  benefitName: string;
  /** null: a ONE_TIME type named benefitName is looked up or created on the first sync. */
  compensationTypeId: string | null;
  /** Set when a sync created (or found by name) the Personio type of an unmapped benefit. */
  resolvedBySyncId?: string;
  resolvedHow?: 'created' | 'found_by_name';
}

/** One document per company, so a PUT replaces the whole mapping set atomically. */
export interface BenefitMappingsDoc {
  _id: string; // companyId
  mappings: BenefitMapping[];
  version: number;
  updatedAt: Date;
}

export interface CompanyCollections {
  companies: Collection<CompanyDoc>;
  personioCredentials: Collection<PersonioCredentialsDoc>;
  benefitMappings: Collection<BenefitMappingsDoc>;
}

export function companyCollections(db: Db): CompanyCollections {
  return {
    companies: db.collection<CompanyDoc>('companies'),
    personioCredentials: db.collection<PersonioCredentialsDoc>('personio_credentials'),
    benefitMappings: db.collection<BenefitMappingsDoc>('benefit_mappings'),
  };
}

export type CompanyProfile = Pick<
  CompanyDoc,
  'name' | 'managerEmails' | 'locale' | 'timezone' | 'payrollCutoffDay' | 'approval' | 'approvalReminderAfterHours' | 'approvalExpiresAfterHours'
>;

export const APPROVAL_DEFAULTS = { reminderAfterHours: 24, expiresAfterHours: 72 } as const;

/** Creates or updates a company's profile; answers the stored document. */
export async function upsertCompany(db: Db, companyId: string, profile: Partial<CompanyProfile>): Promise<CompanyDoc> {
  const now = new Date();
  const company = await companyCollections(db).companies.findOneAndUpdate(
    { _id: companyId },
    { $set: { ...profile, updatedAt: now }, $setOnInsert: { createdAt: now } },
    { upsert: true, returnDocument: 'after' },
  );
  if (!company) throw new Error('upsert returned no document');
  return company;
}

/** New credentials make the last connection test meaningless: it is dropped. */
export async function forgetConnectionTest(db: Db, companyId: string): Promise<CompanyDoc | null> {
  return companyCollections(db).companies.findOneAndUpdate({ _id: companyId }, { $set: { updatedAt: new Date() }, $unset: { lastConnectionTest: '' } }, { returnDocument: 'after' });
}

export async function saveConnectionTest(db: Db, companyId: string, result: ConnectionTestResult): Promise<void> {
  await companyCollections(db).companies.updateOne({ _id: companyId }, { $set: { lastConnectionTest: result } });
}

export async function saveEncryptedCredentials(db: Db, companyId: string, doc: Omit<PersonioCredentialsDoc, '_id'>): Promise<void> {
  await companyCollections(db).personioCredentials.replaceOne({ _id: companyId }, doc, { upsert: true });
}

/** Replaces the whole mapping set of a company in one single-document write: never half written. */
export async function replaceBenefitMappings(db: Db, companyId: string, mappings: BenefitMapping[]): Promise<void> {
  await companyCollections(db).benefitMappings.updateOne({ _id: companyId }, { $set: { mappings, updatedAt: new Date() }, $inc: { version: 1 } }, { upsert: true });
}

/**
 * Saves the type a sync resolved for an unmapped benefit, unless someone mapped the benefit meanwhile
 * (compare-and-set on the set's version). False when the set kept changing: the caller retries.
 */
export async function saveResolvedMapping(
  db: Db,
  companyId: string,
  benefitKey: string,
  resolved: { typeId: string; how: 'created' | 'found_by_name'; syncId: string },
): Promise<boolean> {
  const { benefitMappings } = companyCollections(db);
  for (let attempt = 0; attempt < 5; attempt++) {
    const doc = await benefitMappings.findOne({ _id: companyId });
    if (!doc) return true;
    const mappings: BenefitMapping[] = doc.mappings.map((m) =>
      m.benefitKey === benefitKey && m.compensationTypeId === null ? { ...m, compensationTypeId: resolved.typeId, resolvedBySyncId: resolved.syncId, resolvedHow: resolved.how } : m,
    );
    const result = await benefitMappings.replaceOne({ _id: companyId, version: doc.version }, { mappings, version: doc.version + 1, updatedAt: new Date() });
    if (result.matchedCount === 1) return true;
  }
  return false;
}

export async function hasCredentials(db: Db, companyId: string): Promise<boolean> {
  return (await companyCollections(db).personioCredentials.countDocuments({ _id: companyId }, { limit: 1 })) > 0;
}

/** The company disconnects: its secret is gone, and with it everything the last tests said about it. False: none stored. */
export async function deleteCredentials(db: Db, companyId: string): Promise<boolean> {
  const { personioCredentials, companies } = companyCollections(db);
  const deleted = await personioCredentials.deleteOne({ _id: companyId });
  await companies.updateOne({ _id: companyId }, { $set: { updatedAt: new Date() }, $unset: { lastConnectionTest: '', personioConnection: '' } });
  return deleted.deletedCount === 1;
}
