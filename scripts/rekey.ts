// `npm run rekey`: re-encrypts every stored secret with CREDENTIALS_KEY (id CREDENTIALS_KEY_ID), decrypting older ones
// with CREDENTIALS_PREVIOUS_KEYS. Afterwards the previous keys can be removed. Exit code 2 when a secret could not
// be decrypted (it is listed; enter it again through the API).
import { credentialsEnvSchema, mongoEnvSchema, parseEnv } from '../config/env.js';
import { connectMongo } from '../db/mongo.js';
import { createCredentialsCipher } from '../security/credentials-cipher.js';
import { rekeyStoredSecrets } from '../security/rekey.js';

const config = parseEnv(mongoEnvSchema.extend(credentialsEnvSchema.shape));
const mongo = await connectMongo(config.MONGODB_URI, config.MONGODB_DB);
try {
  const cipher = createCredentialsCipher({ key: config.CREDENTIALS_KEY, keyId: config.CREDENTIALS_KEY_ID, previousKeys: config.CREDENTIALS_PREVIOUS_KEYS });
  const report = await rekeyStoredSecrets(mongo.db, cipher);
  console.log(`Checked ${report.checked} stored secrets: ${report.reencrypted} re-encrypted with key "${config.CREDENTIALS_KEY_ID}", ${report.current} already under it.`);
  if (report.undecryptable.length > 0) {
    console.error(`${report.undecryptable.length} could not be decrypted with any configured key (enter them again):\n  ${report.undecryptable.join('\n  ')}`);
    process.exitCode = 2;
  } else {
    console.log('Every stored secret is under the current key: CREDENTIALS_PREVIOUS_KEYS can be emptied.');
  }
} finally {
  await mongo.close();
}
