import type * as ApiModule from '@hitsm/api';
import { ApiError, type KnowledgeCategory, type KnowledgeImage } from '@hitsm/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ref } from 'vue';

import { imageFiles, imageProblem, useImageUpload } from '@/components/knowledge/use-image-upload';
import { dropMoves, parentChoices, subtreeIds, useCategoryAdmin } from '@/views/knowledge/categories/use-category-admin';
import { useArticleEditor } from '@/views/knowledge/editor/use-article-editor';

const api = vi.hoisted(() => ({
  uploadKnowledgeImage: vi.fn(),
  getKnowledgeArticle: vi.fn(),
  listKnowledgeCategories: vi.fn(),
  patchKnowledgeCategory: vi.fn(),
}));
vi.mock('@hitsm/api', async (original) => ({ ...(await original<typeof ApiModule>()), ...api }));

afterEach(() => vi.clearAllMocks());

const MB = 1024 * 1024;
const file = (name: string, type: string, size = 1000) => new File([new Uint8Array(size)], name, { type });

function category(id: number, parent: number | null, order: number, name = `c${id}`): KnowledgeCategory {
  return { id, code: `c${id}`, name, parent, order, article_count: 0 };
}

describe('pictures for an article', () => {
  it('accepts what browsers show up to 5 MB and says why it refuses the rest', () => {
    expect(imageProblem(file('a.png', 'image/png'))).toBeNull();
    expect(imageProblem(file('a.webp', 'image/webp', 5 * MB))).toBeNull();
    expect(imageProblem(file('a.jpg', 'image/jpeg', 5 * MB + 1))).toBe('too_large');
    expect(imageProblem(file('logo.svg', 'image/svg+xml'))).toBe('wrong_type');
    expect(imageProblem(file('photo.heic', 'image/heic'))).toBe('wrong_type');
    expect(imageProblem(file('a.pdf', 'application/pdf'))).toBe('wrong_type');
  });

  it('takes only the pictures of a paste or a drop', () => {
    const files = [file('a.png', 'image/png'), file('notes.txt', 'text/plain'), file('b.svg', 'image/svg+xml')];
    expect(imageFiles(files).map((f) => f.name)).toEqual(['a.png', 'b.svg']);
    expect(imageFiles(null)).toEqual([]);
  });

  it('uploads the acceptable ones for the article, reports the others, and keeps going after a failure', async () => {
    const image = (id: number): KnowledgeImage => ({
      id,
      article: 9,
      url: `/api/v1/knowledge/images/${id}/download/`,
      original_name: 'a.png',
      content_type: 'image/png',
      size: 1000,
      width: 10,
      height: 10,
    });
    api.uploadKnowledgeImage.mockResolvedValueOnce(image(1)).mockRejectedValueOnce(new ApiError(400, 'knowledge.image_refused', '图片已损坏')).mockResolvedValueOnce(image(3));
    const refused = vi.fn();
    const failed = vi.fn();
    const articleId = ref<number | null>(9);
    const { upload, uploading } = useImageUpload(articleId, { onRefused: refused, onError: failed });
    const svg = file('logo.svg', 'image/svg+xml');
    const done = await upload([file('a.png', 'image/png'), svg, file('broken.png', 'image/png'), file('c.gif', 'image/gif')]);
    expect(done.map((i) => i.id)).toEqual([1, 3]);
    expect(refused).toHaveBeenCalledWith(svg, 'wrong_type');
    expect(failed).toHaveBeenCalledOnce();
    expect(api.uploadKnowledgeImage).toHaveBeenCalledTimes(3);
    expect(api.uploadKnowledgeImage.mock.calls.map((call) => call[1])).toEqual([9, 9, 9]);
    expect(uploading.value).toBe(0);
    articleId.value = null; // a new article: the first save binds the picture
    api.uploadKnowledgeImage.mockResolvedValueOnce(image(4));
    await upload([file('d.png', 'image/png')]);
    expect(api.uploadKnowledgeImage.mock.calls.at(-1)?.[1]).toBeNull();
  });
});

describe('the category tree', () => {
  // 1 网络 (2 无线, 3 有线), 4 打印, 5 HIS
  const rows = [category(1, null, 10), category(2, 1, 10), category(3, 1, 20), category(4, null, 20), category(5, null, 30)];

  it('knows a category with everything under it', () => {
    expect([...subtreeIds(rows, 1)].sort()).toEqual([1, 2, 3]);
    expect([...subtreeIds(rows, 3)]).toEqual([3]);
  });

  it('never offers a category, or its own children, as its parent', () => {
    const values = (nodes: ReturnType<typeof parentChoices>): number[] => nodes.flatMap((n) => [n.value as number, ...values(n.children ?? [])]);
    expect(values(parentChoices(rows, 1))).toEqual([4, 5]);
    expect(values(parentChoices(rows, null))).toEqual([1, 2, 3, 4, 5]);
  });

  it('reorders siblings when a category is dropped before or after another', () => {
    expect(dropMoves(rows, 5, 4, 'before')).toEqual([
      { id: 5, parent: null, order: 20 },
      { id: 4, parent: null, order: 30 },
    ]);
    expect(dropMoves(rows, 2, 3, 'after')).toEqual([
      { id: 3, parent: 1, order: 10 },
      { id: 2, parent: 1, order: 20 },
    ]);
  });

  it('moves a category into another, last among its new siblings', () => {
    expect(dropMoves(rows, 4, 1, 'inner')).toEqual([{ id: 4, parent: 1, order: 30 }]);
    expect(dropMoves(rows, 2, 5, 'before')).toEqual([
      { id: 2, parent: null, order: 30 },
      { id: 5, parent: null, order: 40 },
    ]);
  });

  it('does nothing for a drop into itself or below itself', () => {
    expect(dropMoves(rows, 1, 2, 'inner')).toEqual([]);
    expect(dropMoves(rows, 1, 1, 'after')).toEqual([]);
  });

  it('saves a drop one category at a time and reads the tree again, also after a refusal', async () => {
    api.listKnowledgeCategories.mockResolvedValue(rows);
    api.patchKnowledgeCategory.mockResolvedValueOnce({}).mockRejectedValueOnce(new ApiError(400, 'knowledge.category_cycle', 'x'));
    const admin = useCategoryAdmin();
    await admin.load();
    await expect(admin.move(5, 4, 'before')).rejects.toThrow();
    expect(api.patchKnowledgeCategory.mock.calls).toEqual([
      [5, { parent: null, order: 20 }],
      [4, { parent: null, order: 30 }],
    ]);
    expect(api.listKnowledgeCategories).toHaveBeenCalledTimes(2);
  });
});

describe('the editor reads without counting a view', () => {
  it('asks for the article with the edit mark', async () => {
    api.getKnowledgeArticle.mockResolvedValue({ id: 7, title: 't', body: '<p>x</p>', problems: [3], problem_details: [] });
    const editor = useArticleEditor(ref(7));
    await editor.load();
    expect(api.getKnowledgeArticle).toHaveBeenCalledWith(7, { edit: true });
    expect(editor.form.problems).toEqual([3]);
  });
});
