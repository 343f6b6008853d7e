import type { Db } from 'mongodb';
import { companyCollections, type CompanyDoc } from '../db/companies.js';
import { ApiProblem } from './problem.js';

/** Loads the company named in the path; every company-scoped route answers 404 when it does not exist. */
export async function requireCompany(db: Db, companyId: string): Promise<CompanyDoc> {
  const company = await companyCollections(db).companies.findOne({ _id: companyId });
  if (!company) {
    throw new ApiProblem(404, 'Not Found', { detail: `Company "${companyId}" does not exist.`, errors: [{ field: 'companyId', reason: 'unknown company' }] });
  }
  return company;
}
