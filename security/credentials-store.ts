// Personio credentials of a company: encrypted on write, decrypted only inside the worker's activities.
import type { Db } from 'mongodb';
import { companyCollections, saveEncryptedCredentials } from '../db/companies.js';
import type { PersonioCredentials } from '../personio/index.js';
import { SecretDecryptionError, type CredentialsCipher } from './credentials-cipher.js';

/** What an operator and a customer are told when no configured key opens a stored secret (no key id, no detail). */
export const UNDECRYPTABLE_CREDENTIALS =
  'stored credentials cannot be decrypted with the configured keys: enter them again or configure CREDENTIALS_PREVIOUS_KEYS';

/** A stored secret that no configured key can decrypt: a lost or wrongly rotated CREDENTIALS_KEY, not Personio's doing. */
export class UndecryptableCredentialsError extends Error {
  override name = 'UndecryptableCredentialsError';
  constructor(readonly companyId: string) {
    super(UNDECRYPTABLE_CREDENTIALS);
  }
}

export const credentialsAssociatedData = (companyId: string) => `personio-credentials:${companyId}`;
const associatedData = credentialsAssociatedData;

export async function saveCredentials(db: Db, cipher: CredentialsCipher, companyId: string, creds: PersonioCredentials): Promise<void> {
  await saveEncryptedCredentials(db, companyId, { clientId: creds.clientId, clientSecret: cipher.encrypt(creds.clientSecret, associatedData(companyId)), updatedAt: new Date() });
}

export async function loadCredentials(db: Db, cipher: CredentialsCipher, companyId: string): Promise<PersonioCredentials | undefined> {
  const doc = await companyCollections(db).personioCredentials.findOne({ _id: companyId });
  if (!doc) return undefined;
  try {
    return { clientId: doc.clientId, clientSecret: cipher.decrypt(doc.clientSecret, associatedData(companyId)) };
  } catch (error) {
    if (error instanceof SecretDecryptionError) throw new UndecryptableCredentialsError(companyId);
    throw error;
  }
}
