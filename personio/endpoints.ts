/** The Personio v2 endpoints this client calls, and what each needs. */

export type PersonioEndpoint =
  | 'auth.token'
  | 'persons.list'
  | 'compensationTypes.list'
  | 'compensationTypes.create'
  | 'compensations.list'
  | 'compensations.create';

export const SCOPES = {
  personsRead: 'personio:persons:read',
  compensationsRead: 'personio:compensations:read',
  compensationsWrite: 'personio:compensations:write',
} as const;

export const ENDPOINT_PATHS: Record<PersonioEndpoint, string> = {
  'auth.token': '/v2/auth/token',
  'persons.list': '/v2/persons',
  'compensationTypes.list': '/v2/compensations/types',
  'compensationTypes.create': '/v2/compensations/types',
  'compensations.list': '/v2/compensations',
  'compensations.create': '/v2/compensations',
};

/** The scope a 403 most likely means is missing (Personio does not say which one). */
export const ENDPOINT_SCOPE: Record<PersonioEndpoint, string | undefined> = {
  'auth.token': undefined,
  'persons.list': SCOPES.personsRead,
  'compensationTypes.list': SCOPES.compensationsRead,
  'compensationTypes.create': SCOPES.compensationsWrite,
  'compensations.list': SCOPES.compensationsRead,
  'compensations.create': SCOPES.compensationsWrite,
};

export const ENDPOINT_LABEL: Record<PersonioEndpoint, string> = {
  'auth.token': 'POST /v2/auth/token',
  'persons.list': 'GET /v2/persons',
  'compensationTypes.list': 'GET /v2/compensations/types',
  'compensationTypes.create': 'POST /v2/compensations/types',
  'compensations.list': 'GET /v2/compensations',
  'compensations.create': 'POST /v2/compensations',
};
