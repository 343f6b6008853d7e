// Claims on creating a Personio compensation type: two syncs of one company (different periods) must not both
// create the same type. One document per company and normalized type name, taken over once abandoned.
import { MongoServerError, type Db } from 'mongodb';

/** How long another sync's claim on creating a type is respected before it counts as abandoned. */
export const TYPE_CLAIM_TTL_MS = 2 * 60_000;

interface TypeClaimDoc {
  _id: string; // `${companyId}:${normalizedTypeName}`
  syncId: string;
  claimedAt: Date;
}

const typeClaims = (db: Db) => db.collection<TypeClaimDoc>('type_creation_claims');

/** Takes the claim for this sync (or keeps it), or answers the live claim of another sync. */
export async function claimTypeCreation(db: Db, companyId: string, normalizedName: string, syncId: string): Promise<{ claimed: true } | { claimed: false; bySyncId: string }> {
  const claims = typeClaims(db);
  const _id = `${companyId}:${normalizedName}`;
  try {
    await claims.insertOne({ _id, syncId, claimedAt: new Date() });
    return { claimed: true };
  } catch (error) {
    if (!(error instanceof MongoServerError) || error.code !== 11000) throw error;
  }
  const claim = await claims.findOne({ _id });
  if (claim && claim.syncId !== syncId && Date.now() - claim.claimedAt.getTime() < TYPE_CLAIM_TTL_MS) return { claimed: false, bySyncId: claim.syncId };
  await claims.replaceOne({ _id }, { syncId, claimedAt: new Date() });
  return { claimed: true };
}
