import { describe, expect, it, vi } from 'vitest';

import {
  askInitial,
  askOutcome,
  askReducer,
  askTicketOutcome,
  createAskFlow,
  createHitsmClient,
  createKnowledgeEndpoints,
  knowledgeCategoryTree,
  selfServiceQuery,
  splitWords,
  ticketPrefill,
  type AskEvent,
  type AskState,
  type KnowledgeAnswer,
  type KnowledgeArticleBrief,
  type KnowledgeCategory,
} from '../src';

const BASE = 'http://hitsm.test';

function article(id: number, title = `article ${id}`): KnowledgeArticleBrief {
  return {
    id,
    slug: `a-${id}`,
    title,
    summary: 'summary',
    category: 1,
    category_name: 'Printers',
    tags: [],
    audience: 'all',
    status: 'published',
    version: 1,
    view_count: 0,
    helpful_count: 0,
    unhelpful_count: 0,
    published_at: '2026-03-01T08:00:00+08:00',
    updated_at: '2026-03-01T08:00:00+08:00',
  };
}

function answer(answered: boolean, ids: number[], questionId = 41): KnowledgeAnswer {
  return { question_id: questionId, answered, confidence: answered ? 0.78 : 0.4, articles: ids.map((id) => article(id)) };
}

function run(events: AskEvent[], start: AskState = askInitial()): AskState {
  return events.reduce(askReducer, start);
}

describe('the auto-answer step', () => {
  it('asks, shows the confident answer and ends when the nurse says it is solved', () => {
    let state = run([{ type: 'ask', question: '  printer jammed  ' }]);
    expect(state).toMatchObject({ step: 'asking', question: 'printer jammed', questionId: null });
    state = askReducer(state, { type: 'answered', answer: answer(true, [7, 8, 9]) });
    expect(state.step).toBe('answer');
    expect(state.best?.id).toBe(7);
    expect(state.candidates.map((a) => a.id)).toEqual([8, 9]);
    expect(state.questionId).toBe(41);

    expect(askOutcome(state, { type: 'solved' })).toEqual({ outcome: 'solved', article: 7 });
    state = askReducer(state, { type: 'solved' });
    expect(state).toMatchObject({ step: 'solved', solvedBy: 7 });
  });

  it('goes on to the pre-filled form when the answer did not help, and reports the ticket', () => {
    let state = run([
      { type: 'ask', question: 'printer jammed' },
      { type: 'answered', answer: answer(true, [7, 8]) },
    ]);
    expect(askOutcome(state, { type: 'unsolved' })).toEqual({ outcome: 'unsolved', article: 7 });
    state = askReducer(state, { type: 'unsolved' });
    expect(state.step).toBe('form');
    expect(state.question).toBe('printer jammed');
    expect(askTicketOutcome(state, 1234)).toEqual({ outcome: 'ticket', ticket: 1234 });
  });

  it('shows the candidates as links beside the form when nothing answered confidently', () => {
    const state = run([
      { type: 'ask', question: 'something odd' },
      { type: 'answered', answer: answer(false, [3, 4, 5, 6]) },
    ]);
    expect(state.step).toBe('form');
    expect(state.best).toBeNull();
    expect(state.candidates.map((a) => a.id)).toEqual([3, 4, 5]);
    expect(state.questionId).toBe(41);
    // An answered flag without an article cannot be shown as an answer either.
    expect(run([{ type: 'ask', question: 'q' }, { type: 'answered', answer: answer(true, []) }]).step).toBe('form');
  });

  it('lets a candidate solve it from the form', () => {
    const state = run([
      { type: 'ask', question: 'something odd' },
      { type: 'answered', answer: answer(false, [3, 4]) },
    ]);
    expect(askOutcome(state, { type: 'solved', article: 4 })).toEqual({ outcome: 'solved', article: 4 });
    expect(askReducer(state, { type: 'solved', article: 4 })).toMatchObject({ step: 'solved', solvedBy: 4 });
  });

  it('never blocks a report: a failing service goes on to the form with nothing to report', () => {
    const state = run([{ type: 'ask', question: 'printer jammed' }, { type: 'failed' }]);
    expect(state).toMatchObject({ step: 'form', question: 'printer jammed', questionId: null, unavailable: true });
    expect(askTicketOutcome(state, 5)).toBeNull();
    expect(askOutcome(state, { type: 'solved', article: 3 })).toBeNull();
  });

  it('skips straight to the form, and ignores an answer that arrives afterwards', () => {
    let state = run([{ type: 'skip', question: ' typed so far ' }]);
    expect(state).toMatchObject({ step: 'form', question: 'typed so far', questionId: null });

    state = run([{ type: 'ask', question: 'printer jammed' }, { type: 'skip' }]);
    expect(state.step).toBe('form');
    state = askReducer(state, { type: 'answered', answer: answer(true, [7]) });
    expect(state).toMatchObject({ step: 'form', best: null, questionId: null });
  });

  it('keeps the logged question when skipping from an answer, so the ticket is still reported', () => {
    const state = run([
      { type: 'ask', question: 'printer jammed' },
      { type: 'answered', answer: answer(true, [7]) },
      { type: 'skip' },
    ]);
    expect(state.step).toBe('form');
    expect(askTicketOutcome(state, 9)).toEqual({ outcome: 'ticket', ticket: 9 });
  });

  it('ignores empty questions and events out of place', () => {
    expect(run([{ type: 'ask', question: '   ' }]).step).toBe('ask');
    expect(run([{ type: 'answered', answer: answer(true, [1]) }]).step).toBe('ask');
    expect(run([{ type: 'unsolved' }]).step).toBe('ask');
    expect(run([{ type: 'failed' }]).step).toBe('ask');
    const solved = run([{ type: 'ask', question: 'q' }, { type: 'answered', answer: answer(true, [1]) }, { type: 'solved' }]);
    expect(askReducer(solved, { type: 'skip' })).toBe(solved);
    expect(askReducer(solved, { type: 'ask', question: 'again' })).toBe(solved);
    expect(askOutcome(solved, { type: 'solved' })).toBeNull();
  });

  it('starts over with the question kept for editing, and may ask again from the form', () => {
    const form = run([{ type: 'ask', question: 'printer' }, { type: 'failed' }]);
    expect(askReducer(form, { type: 'restart' })).toEqual(askInitial('printer'));
    expect(askReducer(form, { type: 'ask', question: 'printer jammed' }).step).toBe('asking');
  });
});

describe('ticketPrefill', () => {
  it('takes the first line (60 characters, as the server would) as the title and all as the description', () => {
    expect(ticketPrefill('  printer jammed\nsecond line ')).toEqual({ title: 'printer jammed', description: 'printer jammed\nsecond line' });
    expect(ticketPrefill('x'.repeat(80)).title).toHaveLength(60);
    expect(ticketPrefill('')).toEqual({ title: '', description: '' });
  });
});

describe('knowledgeCategoryTree', () => {
  const row = (id: number, parent: number | null, count: number): KnowledgeCategory => ({
    id,
    code: `c${id}`,
    name: `C${id}`,
    parent,
    order: id,
    article_count: count,
  });

  it('nests the flat list and adds the descendants to each count', () => {
    const tree = knowledgeCategoryTree([row(1, null, 2), row(2, 1, 3), row(3, 2, 1), row(4, null, 0), row(5, 99, 4)]);
    expect(tree.map((n) => [n.id, n.count])).toEqual([
      [1, 6],
      [4, 0],
      [5, 4],
    ]);
    expect(tree[0]?.children[0]?.count).toBe(4);
    expect(tree[0]?.children[0]?.children[0]?.count).toBe(1);
  });
});

describe('selfServiceQuery', () => {
  it('lists the most read published articles when nothing is searched or chosen', () => {
    expect(selfServiceQuery({ q: '  ', category: null, page: 3 }, 10)).toEqual({ status: 'published', page_size: 10, ordering: '-view_count' });
  });

  it('searches or filters published articles by page', () => {
    expect(selfServiceQuery({ q: ' vpn ', category: 4, page: 2 }, 10)).toEqual({ status: 'published', page_size: 10, page: 2, q: 'vpn', category: 4 });
    expect(selfServiceQuery({ q: '', category: 4, page: 1 }, 20)).toEqual({ status: 'published', page_size: 20, page: 1, category: 4 });
  });
});

describe('splitWords', () => {
  it('splits on commas of both widths, the enumeration comma and spaces, without duplicates', () => {
    expect(splitWords('HIS, password\uff0clogin\u3001HIS  lock ')).toEqual(['HIS', 'password', 'login', 'lock']);
    expect(splitWords('  ')).toEqual([]);
  });
});

describe('knowledge endpoints', () => {
  function setup(respond: (request: Request) => Response) {
    const requests: Request[] = [];
    const fetch = vi.fn(async (request: Request) => {
      requests.push(request.clone());
      if (request.url.endsWith('/api/v1/auth/csrf/')) return new Response(null, { status: 204 });
      return respond(request);
    });
    const client = createHitsmClient({
      baseUrl: BASE,
      fetch,
      readCookie: (name) => (name === 'csrftoken' ? 'tok' : null),
      settings: { getLocale: () => 'zh-CN', fallbackMessage: () => 'x', onUnauthorized: () => undefined },
    });
    return { api: createKnowledgeEndpoints(client), requests };
  }
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

  it('asks with the channel and reports the outcome of the question', async () => {
    const { api, requests } = setup((request) =>
      request.url.includes('/answer/') ? json(answer(true, [7])) : json({ id: 41, outcome: 'ticket' }),
    );
    const reply = await api.askKnowledge('printer jammed', 'h5');
    expect(reply.articles[0]?.id).toBe(7);
    await api.reportKnowledgeOutcome(41, { outcome: 'ticket', ticket: 9 });
    const posts = requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => new URL(r.url).pathname)).toEqual(['/api/v1/knowledge/answer/', '/api/v1/knowledge/questions/41/outcome/']);
    expect(await posts[0]?.json()).toEqual({ question: 'printer jammed', channel: 'h5' });
    expect(await posts[1]?.json()).toEqual({ outcome: 'ticket', ticket: 9 });
  });

  it('searches with trimmed words and leaves out an empty search', async () => {
    const { api, requests } = setup(() => json({ count: 0, results: [] }));
    await api.listKnowledgeArticles({ q: '  vpn ', status: 'published' });
    await api.listKnowledgeArticles({ q: '  ' });
    expect(new URL(requests[0]?.url ?? '').search).toBe('?q=vpn&status=published');
    expect(new URL(requests[1]?.url ?? '').search).toBe('');
  });

  it('reads the versions as the plain list the server sends (or a page)', async () => {
    const version = { version: 2, title: 't', summary: '', body: '<p>x</p>', keywords: [], author_name: 'a', reviewer_name: 'r', published_at: 'now' };
    const plain = setup(() => json([version]));
    expect(await plain.api.listKnowledgeVersions(3)).toEqual([version]);
    const paged = setup(() => json({ count: 1, results: [version] }));
    expect(await paged.api.listKnowledgeVersions(3)).toEqual([version]);
  });

  it("marks the editor's read so it is not counted, and only that one", async () => {
    const { api, requests } = setup(() => json({ id: 3 }));
    await api.getKnowledgeArticle(3, { edit: true });
    await api.getKnowledgeArticle(3);
    expect(requests.map((r) => new URL(r.url).pathname + new URL(r.url).search)).toEqual([
      '/api/v1/knowledge/articles/3/?edit=true',
      '/api/v1/knowledge/articles/3/',
    ]);
  });

  it('uploads a picture as multipart, with its article when there is one', async () => {
    const { api, requests } = setup(() => json({ id: 5, url: '/api/v1/knowledge/images/5/download/' }, 201));
    const file = new File([new Uint8Array([137, 80, 78, 71])], 'screen.png', { type: 'image/png' });
    expect((await api.uploadKnowledgeImage(file, 9)).url).toBe('/api/v1/knowledge/images/5/download/');
    await api.uploadKnowledgeImage(file, null);
    const [first, second] = requests.filter((r) => !r.url.endsWith('/auth/csrf/'));
    expect(first?.method).toBe('POST');
    expect(new URL(first?.url ?? '').pathname).toBe('/api/v1/knowledge/images/');
    expect(first?.headers.get('Content-Type')).toMatch(/^multipart\/form-data/);
    const sent = await first?.formData();
    expect(sent?.get('article')).toBe('9');
    expect((sent?.get('file') as File).name).toBe('screen.png');
    expect((await second?.formData())?.has('article')).toBe(false);
  });

  it('creates, moves and deletes categories', async () => {
    const { api, requests } = setup((request) => (request.method === 'DELETE' ? new Response(null, { status: 204 }) : json({ id: 4 })));
    await api.createKnowledgeCategory({ name: '网络' });
    await api.patchKnowledgeCategory(4, { parent: 1, order: 20 });
    await api.deleteKnowledgeCategory(4);
    const sent = requests.filter((r) => !r.url.endsWith('/auth/csrf/'));
    expect(sent.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual([
      'POST /api/v1/knowledge/categories/',
      'PATCH /api/v1/knowledge/categories/4/',
      'DELETE /api/v1/knowledge/categories/4/',
    ]);
    expect(await sent[1]?.json()).toEqual({ parent: 1, order: 20 });
  });

  it('asks for the stats of the given days and the assistant of a ticket', async () => {
    const { api, requests } = setup((request) =>
      request.url.includes('/stats/')
        ? json({ questions: 1, answered: 1, solved: 1, tickets: 0, deflection_rate: 1, by_channel: { web: 1 }, top_unanswered: [] })
        : json({ similar: { last_30_days: 0, last_90_days: 0, last_365_days: 0 }, handlers: [], resolutions: [], articles: [], known_errors: [] }),
    );
    expect((await api.getKnowledgeStats(7)).deflection_rate).toBe(1);
    await api.getTicketAssistant(12);
    expect(requests.map((r) => new URL(r.url).pathname + new URL(r.url).search)).toEqual([
      '/api/v1/knowledge/stats/?days=7',
      '/api/v1/knowledge/assistant/?ticket=12',
    ]);
  });
});

describe('createAskFlow', () => {
  function deferred<T>() {
    let resolve!: (value: T) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  }

  it('plays the acceptance story: asked, answered, not solved, a ticket, each reported', async () => {
    const steps: string[] = [];
    const report = vi.fn(async () => ({}));
    const ask = vi.fn(async () => answer(true, [7, 8]));
    const flow = createAskFlow({ channel: 'h5', onChange: (s) => steps.push(s.step), ask, report });
    await flow.ask(' printer jammed ');
    expect(ask).toHaveBeenCalledWith('printer jammed', 'h5');
    expect(flow.state.best?.id).toBe(7);
    await flow.unsolved();
    await flow.ticketCreated(99);
    expect(steps).toEqual(['asking', 'answer', 'form']);
    expect(report.mock.calls).toEqual([
      [41, { outcome: 'unsolved', article: 7 }],
      [41, { outcome: 'ticket', ticket: 99 }],
    ]);
  });

  it('goes on to the form when the service fails, and a failing report does not throw', async () => {
    const report = vi.fn(async () => {
      throw new Error('offline');
    });
    const flow = createAskFlow({
      channel: 'web',
      onChange: () => undefined,
      ask: async () => {
        throw new Error('offline');
      },
      report,
    });
    await flow.ask('printer jammed');
    expect(flow.state).toMatchObject({ step: 'form', unavailable: true });
    await flow.ticketCreated(3);
    expect(report).not.toHaveBeenCalled();

    const solving = createAskFlow({ channel: 'web', onChange: () => undefined, ask: async () => answer(true, [7]), report });
    await solving.ask('printer jammed');
    await expect(solving.solved()).resolves.toBeUndefined();
    expect(solving.state.step).toBe('solved');
  });

  it('drops an answer that arrives after the user skipped or asked again', async () => {
    const first = deferred<KnowledgeAnswer>();
    const second = deferred<KnowledgeAnswer>();
    const replies = [first.promise, second.promise];
    const flow = createAskFlow({ channel: 'web', onChange: () => undefined, ask: () => replies.shift() as Promise<KnowledgeAnswer>, report: async () => ({}) });
    const asking = flow.ask('printer');
    await flow.skip();
    expect(flow.state.step).toBe('form');
    const again = flow.ask('printer jammed');
    first.resolve(answer(true, [1], 1));
    await asking;
    expect(flow.state.step).toBe('asking');
    second.resolve(answer(true, [2], 2));
    await again;
    expect(flow.state).toMatchObject({ step: 'answer', questionId: 2 });
    expect(flow.state.best?.id).toBe(2);
  });
});
