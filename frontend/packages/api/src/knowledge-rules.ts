/**
 * What both apps do the same way with the knowledge base: the auto-answer step before a ticket
 * (a small state machine, so the web portal and the H5 portal behave alike and it is tested
 * once), the ticket pre-filled from the question, and the category tree with its counts.
 *
 * The flow (docs/knowledge.md): "what is the problem?" → ask the service → a confident answer
 * shows the best article and "solved?" (yes ends it; no goes on to the form), otherwise the other
 * candidates show as "may help" links beside the pre-filled form. "Report directly" skips at any
 * point, and a failing service never stands between a nurse and her report: it goes on to the
 * form.
 */
import {
  askKnowledge,
  reportKnowledgeOutcome,
  type KnowledgeAnswer,
  type KnowledgeArticleBrief,
  type KnowledgeArticleQuery,
  type KnowledgeCategory,
  type KnowledgeChannel,
  type KnowledgeOutcomeRequest,
} from './knowledge';

export type AskStep = 'ask' | 'asking' | 'answer' | 'solved' | 'form';

export interface AskState {
  step: AskStep;
  /** The question as asked (what the form is pre-filled with). */
  question: string;
  /** The logged question the outcome is reported for; null when skipped or the service failed. */
  questionId: number | null;
  /** The article answered with (step `answer`, and `solved` by it). */
  best: KnowledgeArticleBrief | null;
  /** Other articles: "may help" links. */
  candidates: KnowledgeArticleBrief[];
  confidence: number;
  /** The article that solved it (step `solved`). */
  solvedBy: number | null;
  /** The service could not be asked (the form says so). */
  unavailable: boolean;
}

export type AskEvent =
  | { type: 'ask'; question: string }
  | { type: 'answered'; answer: KnowledgeAnswer }
  | { type: 'failed' }
  | { type: 'solved'; article?: number | null }
  | { type: 'unsolved' }
  | { type: 'skip'; question?: string }
  | { type: 'restart' };

/** At most this many "may help" links. */
export const MAX_CANDIDATES = 3;

export function askInitial(question = ''): AskState {
  return { step: 'ask', question, questionId: null, best: null, candidates: [], confidence: 0, solvedBy: null, unavailable: false };
}

/** The next state; events that make no sense in the current step leave it as it is. */
export function askReducer(state: AskState, event: AskEvent): AskState {
  switch (event.type) {
    case 'ask': {
      const question = event.question.trim();
      if (!question || state.step === 'asking' || state.step === 'solved') return state;
      return { ...askInitial(question), step: 'asking' };
    }
    case 'answered': {
      if (state.step !== 'asking') return state; // a late answer after "report directly"
      const { answer } = event;
      const [first, ...others] = answer.articles;
      const base = { ...state, questionId: answer.question_id, confidence: answer.confidence };
      if (answer.answered && first) {
        return { ...base, step: 'answer', best: first, candidates: others.slice(0, MAX_CANDIDATES) };
      }
      return { ...base, step: 'form', best: null, candidates: answer.articles.slice(0, MAX_CANDIDATES) };
    }
    case 'failed':
      return state.step === 'asking' ? { ...state, step: 'form', unavailable: true } : state;
    case 'solved': {
      if (state.step !== 'answer' && state.step !== 'form') return state;
      const solvedBy = event.article ?? state.best?.id ?? null;
      return { ...state, step: 'solved', solvedBy };
    }
    case 'unsolved':
      return state.step === 'answer' ? { ...state, step: 'form' } : state;
    case 'skip': {
      if (state.step === 'form' || state.step === 'solved') return state;
      const question = (event.question ?? state.question).trim();
      // Skipping before an answer came: the question (if any) was not logged as far as we know.
      const questionId = state.step === 'answer' ? state.questionId : null;
      return { ...state, step: 'form', question, questionId, best: state.step === 'answer' ? state.best : null };
    }
    case 'restart':
      return askInitial(state.question);
  }
}

/**
 * The outcome to report for an event, before the reducer runs (null: nothing to report).
 * "Not solved" counts as an unhelpful vote for the article shown, "solved" as a helpful one.
 */
export function askOutcome(state: AskState, event: AskEvent): KnowledgeOutcomeRequest | null {
  if (state.questionId === null) return null;
  if (event.type === 'solved' && (state.step === 'answer' || state.step === 'form')) {
    const article = event.article ?? state.best?.id ?? null;
    return article === null ? { outcome: 'solved' } : { outcome: 'solved', article };
  }
  if (event.type === 'unsolved' && state.step === 'answer') {
    return state.best ? { outcome: 'unsolved', article: state.best.id } : { outcome: 'unsolved' };
  }
  return null;
}

/** The outcome once a ticket was created from the question (null: no logged question). */
export function askTicketOutcome(state: AskState, ticket: number): KnowledgeOutcomeRequest | null {
  return state.questionId === null ? null : { outcome: 'ticket', ticket };
}

export interface AskFlowOptions {
  channel: KnowledgeChannel;
  /** Called with every new state (a Vue app keeps it in a shallowRef). */
  onChange: (state: AskState) => void;
  /** The service calls; the shared client's by default (tests pass their own). */
  ask?: (question: string, channel: KnowledgeChannel) => Promise<KnowledgeAnswer>;
  report?: (questionId: number, body: KnowledgeOutcomeRequest) => Promise<unknown>;
}

export interface AskFlow {
  readonly state: AskState;
  ask(question: string): Promise<void>;
  solved(article?: number | null): Promise<void>;
  unsolved(): Promise<void>;
  skip(question?: string): Promise<void>;
  restart(): void;
  /** Report that the question became this ticket (no-op without a logged question). */
  ticketCreated(ticket: number): Promise<void>;
}

/**
 * The step driven against the service: the reducer's state plus the calls. Outcome reports are
 * best effort (a lost "solved" must not stop the nurse), and an answer that arrives after the
 * user moved on (skipped, or asked again) is dropped.
 */
export function createAskFlow(options: AskFlowOptions): AskFlow {
  const askService = options.ask ?? askKnowledge;
  const report = options.report ?? reportKnowledgeOutcome;
  let state = askInitial();

  function set(next: AskState): void {
    if (next === state) return;
    state = next;
    options.onChange(state);
  }

  async function send(event: AskEvent): Promise<void> {
    const body = askOutcome(state, event);
    const questionId = state.questionId;
    set(askReducer(state, event));
    if (body && questionId !== null) await report(questionId, body).catch(() => undefined);
  }

  return {
    get state() {
      return state;
    },
    async ask(question) {
      const before = state;
      set(askReducer(state, { type: 'ask', question }));
      if (state === before) return;
      const asking = state;
      try {
        const answer = await askService(asking.question, options.channel);
        if (state === asking) set(askReducer(state, { type: 'answered', answer }));
      } catch {
        if (state === asking) set(askReducer(state, { type: 'failed' }));
      }
    },
    solved: (article) => send({ type: 'solved', article }),
    unsolved: () => send({ type: 'unsolved' }),
    skip: (question) => send(question === undefined ? { type: 'skip' } : { type: 'skip', question }),
    restart: () => set(askReducer(state, { type: 'restart' })),
    async ticketCreated(ticket) {
      const body = askTicketOutcome(state, ticket);
      if (body && state.questionId !== null) await report(state.questionId, body).catch(() => undefined);
    },
  };
}

/** The server's own rule for a ticket without a title (first line, 60 characters). */
export const TITLE_FROM_QUESTION_MAX = 60;

/** The ticket form's title and description from the question. */
export function ticketPrefill(question: string): { title: string; description: string } {
  const description = question.trim();
  const firstLine = description.split(/\r?\n/)[0] ?? '';
  return { title: firstLine.trim().slice(0, TITLE_FROM_QUESTION_MAX), description };
}

export interface KnowledgeCategoryNode {
  id: number;
  name: string;
  /** Published articles in this category and its sub-categories (what filtering by it lists). */
  count: number;
  children: KnowledgeCategoryNode[];
}

/**
 * The flat category list as a tree, in the server's order, each with its own published articles
 * plus its descendants'. A parent that is missing (not visible) makes its children roots.
 */
export function knowledgeCategoryTree(rows: readonly KnowledgeCategory[]): KnowledgeCategoryNode[] {
  const nodes = new Map<number, KnowledgeCategoryNode>();
  for (const row of rows) nodes.set(row.id, { id: row.id, name: row.name, count: row.article_count, children: [] });
  const roots: KnowledgeCategoryNode[] = [];
  for (const row of rows) {
    const node = nodes.get(row.id) as KnowledgeCategoryNode;
    const parent = row.parent === null || row.parent === undefined ? undefined : nodes.get(row.parent);
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  const total = (node: KnowledgeCategoryNode, seen: Set<number>): number => {
    if (seen.has(node.id)) return 0;
    seen.add(node.id);
    node.count += node.children.reduce((sum, child) => sum + total(child, seen), 0);
    return node.count;
  };
  const seen = new Set<number>();
  for (const root of roots) total(root, seen);
  return roots;
}

/** Parse comma / 、/ ， / whitespace separated words (tags, keywords) into a clean list. */
export function splitWords(text: string): string[] {
  const out: string[] = [];
  for (const word of text.split(/[,，、;；\s]+/)) {
    const clean = word.trim();
    if (clean && !out.includes(clean)) out.push(clean);
  }
  return out;
}

export interface SelfServiceQuery {
  q: string;
  category: number | null;
  page: number;
}

/**
 * What the self-service list asks for: a search or a category, or else the most read articles.
 * Always published ones: IT staff read drafts through the same endpoint, but self-service shows
 * what staff see.
 */
export function selfServiceQuery(query: SelfServiceQuery, pageSize: number): KnowledgeArticleQuery {
  const base: KnowledgeArticleQuery = { status: 'published', page_size: pageSize };
  const q = query.q.trim();
  if (!q && query.category === null) return { ...base, ordering: '-view_count' };
  const out: KnowledgeArticleQuery = { ...base, page: query.page };
  if (q) out.q = q;
  if (query.category !== null) out.category = query.category;
  return out;
}
