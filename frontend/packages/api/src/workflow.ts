/**
 * Processes (hitsm/workflow/api): BPMN definitions the designer saves, validates and publishes
 * as immutable versions, the service-task actions it may call, the RACI task inbox, and a
 * subject's (ticket's) running processes for the instance viewer with the messages they
 * exchanged, and the HTTP webhook calls processes make (retried or skipped by a person).
 *
 * Types are derived from the generated schema by path; where drf-spectacular only says "object"
 * (node settings, the trail, task history, votes) or misses a null, the shape is fixed here from
 * hitsm/workflow/engine.py `NodeConfig` and api/serializers.py.
 */
import { createHitsmClient, type HitsmClient } from './client';
import { unwrap } from './errors';
import type { components } from './schema';
import type { QueryParams, RequestBody, ResponseData } from './types';

type Schemas = components['schemas'];

/** The five RACI roles a user task names people for (`<hitsm:raci responsible="…" …/>`). */
export type RaciRole = 'responsible' | 'accountable' | 'supportive' | 'consulted' | 'informed';
/** `single`, `all` (countersign: every R approves) or `any` (one approval is enough). */
export type ApprovalMode = 'single' | 'all' | 'any';
/** What a task may do with one form field. */
export type FieldAccess = 'hidden' | 'readonly' | 'editable' | 'required';

/** Our settings of one BPMN node as the server read them (engine.py `NodeConfig.as_dict`). */
export interface WorkflowNodeConfig {
  id: string;
  kind: string;
  name: string;
  lane: string;
  raci: Partial<Record<RaciRole, string[]>>;
  approval: '' | ApprovalMode;
  fields: Record<string, FieldAccess>;
  deadline_minutes: number | null;
  action: string;
  params: Record<string, string>;
}

type NullablePublished<T> = Omit<T, 'published_version' | 'published_at'> & {
  /** null until the first publication. */
  published_version: number | null;
  published_at: string | null;
};

/** A process with its draft BPMN (the designer's document). */
export type WorkflowDefinition = NullablePublished<ResponseData<'/api/v1/workflow/definitions/{id}/', 'get'>>;
/** A process as the list shows it (no draft XML). */
export type WorkflowDefinitionBrief = NullablePublished<ResponseData<'/api/v1/workflow/definitions/', 'get'>[number]>;
export type WorkflowDefinitionRequest = RequestBody<'/api/v1/workflow/definitions/', 'post'>;
export type WorkflowDefinitionPatch = RequestBody<'/api/v1/workflow/definitions/{id}/', 'patch'>;
/** The ticket kind a process is the default for (`''`: none). */
export type WorkflowDefaultKind = Schemas['TicketKindEnum'] | Schemas['BlankEnum'];
/** One reason a document cannot be published: the element's label (`<name>（<id>）` or the id) and why. */
export type WorkflowProblem = Schemas['Problem'];
export type WorkflowValidation = Omit<ResponseData<'/api/v1/workflow/definitions/{id}/validate/', 'post'>, 'nodes'> & {
  nodes: Record<string, WorkflowNodeConfig>;
};
export type WorkflowPublishRequest = RequestBody<'/api/v1/workflow/definitions/{id}/publish/', 'post'>;
export type WorkflowVersion = Omit<ResponseData<'/api/v1/workflow/definitions/{id}/publish/', 'post'>, 'nodes' | 'lanes'> & {
  nodes: Record<string, WorkflowNodeConfig>;
  /** Lane name → role code. */
  lanes: Record<string, string>;
  published_by_name: string;
};

/** A service-task action (`<hitsm:action name="…">`) with the names of its parameters. */
export type WorkflowAction = ResponseData<'/api/v1/workflow/actions/', 'get'>[number];

export interface WorkflowVote {
  user: string;
  approve: boolean;
  comment: string;
  at: string;
}

type RawTask = Schemas['Task'];
export type WorkflowTaskKind = RawTask['kind'];
export type WorkflowTaskStatus = NonNullable<RawTask['status']>;
/** An inbox row: an open BPMN user task (or a consult of one) with who may act and the field rights. */
export type WorkflowTask = Omit<RawTask, 'accountable' | 'fields' | 'votes' | 'approval_mode' | 'status'> & {
  status: WorkflowTaskStatus;
  approval_mode: '' | ApprovalMode;
  /** User ids who sign the task off (A) after R handled it. */
  accountable: number[];
  fields: Record<string, FieldAccess>;
  votes: WorkflowVote[];
};
export type WorkflowTaskQuery = QueryParams<'/api/v1/workflow/tasks/', 'get'>;
export type WorkflowTaskPage = Omit<ResponseData<'/api/v1/workflow/tasks/', 'get'>, 'results'> & { results: WorkflowTask[] };
/** Completing a task: changed form values (only editable/required fields), the vote, a comment. */
export interface WorkflowCompleteRequest {
  values?: { form?: Record<string, unknown> };
  /** Approval tasks: true (approve) or false (reject); A signing off: false sends it back to R. */
  approve?: boolean | null;
  comment?: string;
}

/** Node ids done, where the process is now (ready tasks, waiting timers) and still possible. */
export interface WorkflowTrail {
  completed: string[];
  current: string[];
  future: string[];
}
type RawInstance = ResponseData<'/api/v1/workflow/instances/', 'get'>[number];
export type WorkflowInstanceStatus = NonNullable<RawInstance['status']>;
/**
 * A message this process threw for others or received from another process (`peer`: the
 * sender's ticket number, on received ones); `unmatched` when no process waited for it.
 */
export type WorkflowMessage = Schemas['Message'];
/** One process run for a subject, with its version's BPMN, the trail and the task history. */
export type WorkflowInstance = Omit<RawInstance, 'nodes' | 'trail' | 'tasks' | 'status' | 'waiting_for' | 'messages'> & {
  status: WorkflowInstanceStatus;
  nodes: Record<string, WorkflowNodeConfig>;
  trail: WorkflowTrail;
  tasks: WorkflowTask[];
  /** Names of the messages the process waits for now (at a message catch event). */
  waiting_for: string[];
  messages: WorkflowMessage[];
};

/** An HTTP call a process's service task makes (`http_webhook`), with its attempts and last error. */
export type WorkflowWebhook = ResponseData<'/api/v1/workflow/webhooks/{id}/', 'get'>;
export type WorkflowWebhookStatus = WorkflowWebhook['status'];
export type WorkflowWebhookPolicy = WorkflowWebhook['policy'];
export type WorkflowWebhookQuery = QueryParams<'/api/v1/workflow/webhooks/', 'get'>;
export type WorkflowWebhookPage = ResponseData<'/api/v1/workflow/webhooks/', 'get'>;

export function createWorkflowEndpoints(client: HitsmClient) {
  const path = (id: number) => ({ params: { path: { id } } });
  return {
    /** Every process, by name (not paged); IT staff read, admins write. */
    async listWorkflowDefinitions(): Promise<WorkflowDefinitionBrief[]> {
      return unwrap(await client.GET('/api/v1/workflow/definitions/')) as WorkflowDefinitionBrief[];
    },
    async getWorkflowDefinition(id: number): Promise<WorkflowDefinition> {
      return unwrap(await client.GET('/api/v1/workflow/definitions/{id}/', path(id))) as WorkflowDefinition;
    },
    async createWorkflowDefinition(body: WorkflowDefinitionRequest): Promise<WorkflowDefinition> {
      return unwrap(await client.POST('/api/v1/workflow/definitions/', { body })) as WorkflowDefinition;
    },
    /**
     * `catalog_items`, when sent, replaces the bindings (400 on `catalog_items` when an item
     * follows another process); `code` never changes after creation.
     */
    async patchWorkflowDefinition(id: number, body: WorkflowDefinitionPatch): Promise<WorkflowDefinition> {
      return unwrap(await client.PATCH('/api/v1/workflow/definitions/{id}/', { ...path(id), body })) as WorkflowDefinition;
    },
    /** Checks the *saved* draft as publishing would (save first); never fails on a bad document. */
    async validateWorkflowDefinition(id: number): Promise<WorkflowValidation> {
      return unwrap(await client.POST('/api/v1/workflow/definitions/{id}/validate/', path(id))) as WorkflowValidation;
    },
    /** 400 `bpmn_rejected` (problems in `fields.draft_xml`), 409 `unchanged_process`. */
    async publishWorkflowDefinition(id: number, body: WorkflowPublishRequest = { note: '' }): Promise<WorkflowVersion> {
      return unwrap(await client.POST('/api/v1/workflow/definitions/{id}/publish/', { ...path(id), body })) as WorkflowVersion;
    },
    /** Newest first. */
    async listWorkflowVersions(id: number): Promise<WorkflowVersion[]> {
      return unwrap(await client.GET('/api/v1/workflow/definitions/{id}/versions/', path(id))) as WorkflowVersion[];
    },
    async listWorkflowActions(): Promise<WorkflowAction[]> {
      return unwrap(await client.GET('/api/v1/workflow/actions/'));
    },
    /** The signed-in user's inbox: `open` (default), `done` or `all`; paged. */
    async listWorkflowTasks(query: WorkflowTaskQuery = {}): Promise<WorkflowTaskPage> {
      return unwrap(await client.GET('/api/v1/workflow/tasks/', { params: { query } })) as unknown as WorkflowTaskPage;
    },
    async getWorkflowTask(id: number): Promise<WorkflowTask> {
      return unwrap(await client.GET('/api/v1/workflow/tasks/{id}/', path(id))) as unknown as WorkflowTask;
    },
    /** 403 when not R/S (or A when signing off), 409 when already done or the process moved on. */
    async completeWorkflowTask(id: number, body: WorkflowCompleteRequest): Promise<WorkflowTask> {
      const request = body as RequestBody<'/api/v1/workflow/tasks/{id}/complete/', 'post'>;
      return unwrap(await client.POST('/api/v1/workflow/tasks/{id}/complete/', { ...path(id), body: request })) as unknown as WorkflowTask;
    },
    /** The processes of one subject (404 when the user may not see it), oldest first. */
    async listWorkflowInstances(subjectType: string, subjectId: number): Promise<WorkflowInstance[]> {
      const query = { subject_type: subjectType, subject_id: subjectId };
      return unwrap(await client.GET('/api/v1/workflow/instances/', { params: { query } })) as unknown as WorkflowInstance[];
    },
    /** IT staff only (403 for others): the process webhook calls, newest first; `subject_id` = a ticket's id. */
    async listWorkflowWebhooks(query: WorkflowWebhookQuery = {}): Promise<WorkflowWebhookPage> {
      return unwrap(await client.GET('/api/v1/workflow/webhooks/', { params: { query } }));
    },
    /** IT managers and admins: send a call left to a person again (as many attempts again). */
    async retryWorkflowWebhook(id: number): Promise<WorkflowWebhook> {
      return unwrap(await client.POST('/api/v1/workflow/webhooks/{id}/retry/', path(id)));
    },
    /** IT managers and admins: give a call up; the process goes on with `{ok: false, skipped: true}`. */
    async skipWorkflowWebhook(id: number, note = ''): Promise<WorkflowWebhook> {
      return unwrap(await client.POST('/api/v1/workflow/webhooks/{id}/skip/', { ...path(id), body: { note } }));
    },
  };
}

export type WorkflowEndpoints = ReturnType<typeof createWorkflowEndpoints>;

/** The workflow endpoints over a browser-configured client (settings via `configureApi`). */
export const workflowApi: WorkflowEndpoints = createWorkflowEndpoints(createHitsmClient());

export const {
  listWorkflowDefinitions,
  getWorkflowDefinition,
  createWorkflowDefinition,
  patchWorkflowDefinition,
  validateWorkflowDefinition,
  publishWorkflowDefinition,
  listWorkflowVersions,
  listWorkflowActions,
  listWorkflowTasks,
  getWorkflowTask,
  completeWorkflowTask,
  listWorkflowInstances,
  listWorkflowWebhooks,
  retryWorkflowWebhook,
  skipWorkflowWebhook,
} = workflowApi;
