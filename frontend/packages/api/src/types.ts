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

// --- service desk -------------------------------------------------------------------------------

export type TicketStatus = NonNullable<ResponseData<'/api/v1/tickets/{id}/', 'get'>['status']>;
export type TicketKind = ResponseData<'/api/v1/tickets/{id}/', 'get'>['kind'];
export type TicketPriority = NonNullable<ResponseData<'/api/v1/tickets/{id}/', 'get'>['priority']>;
export type TicketImpact = NonNullable<ResponseData<'/api/v1/tickets/{id}/', 'get'>['impact']>;
export type TicketUrgency = NonNullable<ResponseData<'/api/v1/tickets/{id}/', 'get'>['urgency']>;
export type TicketChannel = NonNullable<ResponseData<'/api/v1/tickets/{id}/', 'get'>['channel']>;
export type TicketQuery = QueryParams<'/api/v1/tickets/', 'get'>;
export type TicketQueue = NonNullable<TicketQuery['queue']>;
export type TicketPage = ResponseData<'/api/v1/tickets/', 'get'>;
export type TicketListItem = Results<TicketPage>;
export type UserBrief = TicketListItem['requester'];
export type QueueCounts = ResponseData<'/api/v1/tickets/queues/', 'get'>;

/** A ticket as other tickets list it (children, related). */
export interface TicketRef {
  id: number;
  number: string;
  title: string;
  status: TicketStatus;
}

export interface TicketLocation {
  campus: string;
  building: string;
  floor: string;
  room: string;
  bed: string;
}

type RawTicketDetail = ResponseData<'/api/v1/tickets/{id}/', 'get'>;
/** drf-spectacular only says "objects" for these method fields; their shape is fixed here. */
export type TicketDetail = Omit<
  RawTicketDetail,
  'children' | 'related' | 'merged_into' | 'parent_ticket' | 'location' | 'allowed_actions'
> & {
  children: TicketRef[];
  related: TicketRef[];
  merged_into: { id: number; number: string } | null;
  parent_ticket: { id: number; number: string; title: string } | null;
  location: TicketLocation;
  allowed_actions: TicketAction[];
};

type RawTicketEvent = ResponseData<'/api/v1/tickets/{id}/events/', 'get'>[number];
export type TicketEvent = Omit<RawTicketEvent, 'data'> & { data: Record<string, unknown> | null };
export type TicketEventKind = TicketEvent['kind'];
export type Attachment = TicketEvent['attachments'][number];

/** Transitions, each an explicit `POST tickets/{id}/<action>/` (services.LIFECYCLE). */
export type TicketTransition =
  | 'accept'
  | 'assign'
  | 'start'
  | 'pend'
  | 'resume'
  | 'resolve'
  | 'confirm'
  | 'close'
  | 'reopen'
  | 'cancel'
  | 'escalate'
  | 'transfer';
/** Everything `allowed_actions` may list: transitions plus conversation and editing rights. */
export type TicketAction = TicketTransition | 'reply' | 'note' | 'update' | 'link' | 'merge' | 'set_parent';

export type TicketCreateRequest = RequestBody<'/api/v1/tickets/', 'post'>;
/** The create form with real files instead of the schema's string placeholders. */
export type TicketCreateInput = Omit<TicketCreateRequest, 'files' | 'kind' | 'channel'> & {
  kind: TicketKind;
  channel?: TicketChannel;
  files?: File[];
};
/** What a creation answers: number, state and deadlines (the detail is `getTicket(id)`). */
export type TicketCreated = ResponseData<'/api/v1/tickets/', 'post'>;
export type TicketPatch = RequestBody<'/api/v1/tickets/{id}/', 'patch'>;
export type AssignRequest = RequestBody<'/api/v1/tickets/{id}/assign/', 'post'>;
export type PendRequest = RequestBody<'/api/v1/tickets/{id}/pend/', 'post'>;
export type PendingReason = PendRequest['reason'];
export type ResolveRequest = RequestBody<'/api/v1/tickets/{id}/resolve/', 'post'>;
export type ResolutionCode = ResolveRequest['code'];
export type EscalateRequest = RequestBody<'/api/v1/tickets/{id}/escalate/', 'post'>;
export type EscalationKind = EscalateRequest['kind'];
export type TransferRequest = RequestBody<'/api/v1/tickets/{id}/transfer/', 'post'>;
export interface ReplyInput {
  body: string;
  internal: boolean;
  files?: File[];
}
export type BulkRequest = RequestBody<'/api/v1/tickets/bulk/', 'post'>;
export type BulkAction = BulkRequest['action'];
export interface BulkFailure {
  id: number;
  number?: string;
  code: string;
  message: string;
}
export interface BulkResult {
  done: number[];
  failed: BulkFailure[];
}

export type AssignmentGroupPage = ResponseData<'/api/v1/assignment-groups/', 'get'>;
export type AssignmentGroup = Results<AssignmentGroupPage>;
export type AssignmentGroupQuery = QueryParams<'/api/v1/assignment-groups/', 'get'>;
export type Category = ResponseData<'/api/v1/categories/', 'get'>[number];
export type ConfigurationItemPage = ResponseData<'/api/v1/configuration-items/', 'get'>;
export type ConfigurationItemBrief = Results<ConfigurationItemPage>;
export type ConfigurationItemQuery = QueryParams<'/api/v1/configuration-items/', 'get'>;

// --- service desk configuration (groups, categories, routing rules, saved filters) ------------

export type AssignmentGroupRequest = RequestBody<'/api/v1/assignment-groups/', 'post'>;
export type AssignmentGroupPatch = RequestBody<'/api/v1/assignment-groups/{id}/', 'patch'>;
/** How a group hands its tickets to members: by hand, round-robin or least-loaded. */
export type GroupDistribution = NonNullable<AssignmentGroup['distribution']>;
export type CategoryQuery = QueryParams<'/api/v1/categories/', 'get'>;
export type CategoryRequest = RequestBody<'/api/v1/categories/', 'post'>;
export type CategoryPatch = RequestBody<'/api/v1/categories/{id}/', 'patch'>;
export type RoutingRule = ResponseData<'/api/v1/routing-rules/', 'get'>[number];
export type RoutingRuleRequest = RequestBody<'/api/v1/routing-rules/', 'post'>;
export type RoutingRulePatch = RequestBody<'/api/v1/routing-rules/{id}/', 'patch'>;
type RawSavedFilter = ResponseData<'/api/v1/saved-filters/', 'get'>[number];
/** `params` is free JSON on the server; the desk stores its filter set there. */
export type SavedFilter = Omit<RawSavedFilter, 'params'> & { params: Record<string, unknown> };
export interface SavedFilterRequest {
  name: string;
  params: Record<string, unknown>;
  shared?: boolean;
}

// --- notifications ------------------------------------------------------------------------------

export type NotificationPage = ResponseData<'/api/v1/notifications/', 'get'>;
export type Notification = Results<NotificationPage>;
export type NotificationQuery = QueryParams<'/api/v1/notifications/', 'get'>;
export type NotificationPreference = ResponseData<'/api/v1/notification-preferences/', 'get'>[number];
export type NotificationPreferenceRequest = RequestBody<'/api/v1/notification-preferences/', 'put'>[number];
