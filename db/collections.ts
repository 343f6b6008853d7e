// Every MongoDB collection of the service, typed. All documents are scoped by companyId.
import type { Collection, Db } from 'mongodb';
import type { ConnectionTestResult } from '../contracts/connection-test.js';
import type { Locale } from '../i18n/locale.js';
import type { EncryptedSecret } from '../security/credentials-cipher.js';

export interface CompanyDoc {
  _id: string;
  name: string;
  managerEmails: string[];
  locale: Locale;
  timezone: string;
  lastConnectionTest?: ConnectionTestResult;
  createdAt: Date;
  updatedAt: Date;
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

export interface Collections {
  companies: Collection<CompanyDoc>;
  personioCredentials: Collection<PersonioCredentialsDoc>;
  benefitMappings: Collection<BenefitMappingsDoc>;
}

export function collections(db: Db): Collections {
  return {
    companies: db.collection<CompanyDoc>('companies'),
    personioCredentials: db.collection<PersonioCredentialsDoc>('personio_credentials'),
    benefitMappings: db.collection<BenefitMappingsDoc>('benefit_mappings'),
  };
}
