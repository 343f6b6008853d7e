// Re-encrypts every stored secret (Personio client secrets, webhook signing secrets) with the current key, so that
// an old key can be removed from CREDENTIALS_PREVIOUS_KEYS without losing anything. Idempotent: a secret already
// under the current key is left alone. A secret no configured key opens is counted, never overwritten.
import type { Collection, Db, Document, Filter, UpdateFilter, WithId } from 'mongodb';
import { companyCollections } from '../db/companies.js';
import { webhookCollections } from '../db/webhooks.js';
import { SecretDecryptionError, type CredentialsCipher, type EncryptedSecret } from './credentials-cipher.js';
import { credentialsAssociatedData } from './credentials-store.js';
import { webhookSecretAssociatedData } from './webhook-secrets.js';

export interface RekeyReport {
  /** Secrets looked at. */
  checked: number;
  /** Re-encrypted with the current key now. */
  reencrypted: number;
  /** Already under the current key. */
  current: number;
  /** Not decryptable with any configured key: listed by where they are, to be entered again. */
  undecryptable: string[];
}

interface SecretSource<T extends Document> {
  label: string;
  collection: Collection<T>;
  secretField: keyof T & string;
  associatedData(doc: WithId<T>): string;
}

async function rekeySource<T extends Document & { _id: string }>(source: SecretSource<T>, cipher: CredentialsCipher, report: RekeyReport): Promise<void> {
  for await (const doc of source.collection.find({})) {
    const secret = doc[source.secretField] as EncryptedSecret;
    report.checked++;
    if (secret.keyId === cipher.currentKeyId) {
      report.current++;
      continue;
    }
    let plaintext: string;
    try {
      plaintext = cipher.decrypt(secret, source.associatedData(doc));
    } catch (error) {
      if (!(error instanceof SecretDecryptionError)) throw error;
      report.undecryptable.push(`${source.label} ${doc._id}`);
      continue;
    }
    const fresh = cipher.encrypt(plaintext, source.associatedData(doc));
    // Only if the stored secret is still the one decrypted: a secret entered meanwhile is newer and already current.
    const filter = { _id: doc._id, [`${source.secretField}.ciphertext`]: secret.ciphertext } as Filter<T>;
    const result = await source.collection.updateOne(filter, { $set: { [source.secretField]: fresh } } as UpdateFilter<T>);
    if (result.modifiedCount === 1) report.reencrypted++;
    else report.current++;
  }
}

export async function rekeyStoredSecrets(db: Db, cipher: CredentialsCipher): Promise<RekeyReport> {
  const report: RekeyReport = { checked: 0, reencrypted: 0, current: 0, undecryptable: [] };
  await rekeySource({ label: 'Personio credentials of company', collection: companyCollections(db).personioCredentials, secretField: 'clientSecret', associatedData: (doc) => credentialsAssociatedData(doc._id) }, cipher, report);
  await rekeySource(
    { label: 'signing secret of webhook endpoint', collection: webhookCollections(db).endpoints, secretField: 'secret', associatedData: (doc) => webhookSecretAssociatedData(doc._id, doc.incarnation) },
    cipher,
    report,
  );
  return report;
}
