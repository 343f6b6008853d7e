// Personio credentials of a company: encrypted on write, decrypted only inside the worker's activities.
import type { Db } from 'mongodb';
import { companyCollections, saveEncryptedCredentials } from '../db/companies.js';
import type { PersonioCredentials } from '../personio/index.js';
import type { CredentialsCipher } from './credentials-cipher.js';

const associatedData = (companyId: string) => `personio-credentials:${companyId}`;

export async function saveCredentials(db: Db, cipher: CredentialsCipher, companyId: string, creds: PersonioCredentials): Promise<void> {
  await saveEncryptedCredentials(db, companyId, { clientId: creds.clientId, clientSecret: cipher.encrypt(creds.clientSecret, associatedData(companyId)), updatedAt: new Date() });
}

export async function loadCredentials(db: Db, cipher: CredentialsCipher, companyId: string): Promise<PersonioCredentials | undefined> {
  const doc = await companyCollections(db).personioCredentials.findOne({ _id: companyId });
  if (!doc) return undefined;
  return { clientId: doc.clientId, clientSecret: cipher.decrypt(doc.clientSecret, associatedData(companyId)) };
}
