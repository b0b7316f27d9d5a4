/**
 * Types derived from the generated `schema.d.ts` by *path*, not by component name: the paths are
 * fixed by the contract, while drf-spectacular may name components differently. Regenerating
 * the schema therefore changes nothing here as long as the paths and shapes match.
 */
import type { paths } from './schema';

export type Path = keyof paths;
export type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

type Operation<P extends Path, M extends Method> = NonNullable<paths[P][M]>;
type JsonContent<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type ResponsesOf<P extends Path, M extends Method> = Operation<P, M> extends { responses: infer R } ? R : never;

/** The JSON body of the 2xx answer (200, 201 or 202) of one operation. */
export type ResponseData<P extends Path, M extends Method> = JsonContent<
  ResponsesOf<P, M>[Extract<keyof ResponsesOf<P, M>, 200 | 201 | 202>]
>;

/** The JSON request body of one operation. */
export type RequestBody<P extends Path, M extends Method> = Operation<P, M> extends {
  requestBody?: infer RB;
}
  ? JsonContent<NonNullable<RB>>
  : never;

/** The query parameters of one operation. */
export type QueryParams<P extends Path, M extends Method> = Operation<P, M> extends {
  parameters: { query?: infer Q };
}
  ? NonNullable<Q>
  : never;

type Results<T> = T extends { results: (infer R)[] } ? R : never;

export type Me = ResponseData<'/api/v1/auth/me/', 'get'>;
export type NavItem = Me['navigation'][number];
export type Role = Me['roles'][number];
export type DepartmentRef = NonNullable<Me['department']>;
export type LoginRequest = RequestBody<'/api/v1/auth/login/', 'post'>;
export type PasswordChangeRequest = RequestBody<'/api/v1/auth/password/', 'post'>;

export type ApiToken = ResponseData<'/api/v1/auth/tokens/', 'get'>[number];
export type ApiTokenCreateRequest = RequestBody<'/api/v1/auth/tokens/', 'post'>;
export type ApiTokenCreated = ResponseData<'/api/v1/auth/tokens/', 'post'>;

export type TotpStatus = ResponseData<'/api/v1/auth/totp/', 'get'>;
export type TotpDevice = ResponseData<'/api/v1/auth/totp/', 'post'>;

export type DepartmentPage = ResponseData<'/api/v1/departments/', 'get'>;
export type Department = Results<DepartmentPage>;
export type DepartmentQuery = QueryParams<'/api/v1/departments/', 'get'>;
type RawTreeNode = ResponseData<'/api/v1/departments/tree/', 'get'>[number];
/** drf-spectacular cannot express the recursion, so `children` is re-typed here. */
export type DepartmentTreeNode = Omit<RawTreeNode, 'children'> & { children: DepartmentTreeNode[] };

export type UserPage = ResponseData<'/api/v1/users/', 'get'>;
export type User = Results<UserPage>;
export type UserQuery = QueryParams<'/api/v1/users/', 'get'>;
export type UserPatch = RequestBody<'/api/v1/users/{id}/', 'patch'>;

type RawJob = ResponseData<'/api/v1/jobs/{id}/', 'get'>;
/** `result` is a JSON object chosen by the job kind (the schema says only "any"). */
export type Job = Omit<RawJob, 'result'> & { result: Record<string, unknown> | null };
export type JobStatus = Job['status'];
export type JobPage = Omit<ResponseData<'/api/v1/jobs/', 'get'>, 'results'> & { results: Job[] };
export type JobQuery = QueryParams<'/api/v1/jobs/', 'get'>;

export type Health = ResponseData<'/api/v1/system/health/', 'get'>;
export type HealthQuery = QueryParams<'/api/v1/system/health/', 'get'>;
