import { ApiError } from '@hitsm/api';
import type * as ElementPlusModule from 'element-plus';
import { ElMessage } from 'element-plus';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { splitFieldErrors, useFormErrors } from '@/composables/use-form-errors';

vi.mock('element-plus', async (importOriginal) => ({
  ...(await importOriginal<typeof ElementPlusModule>()),
  ElMessage: Object.assign(vi.fn(), { error: vi.fn(), success: vi.fn() }),
}));

describe('form errors', () => {
  afterEach(() => vi.mocked(ElMessage.error).mockReset());

  it('put the server messages beside the fields the form shows', () => {
    const split = splitFieldErrors(
      { code: ['具有 编码 的 支持组 已存在。'], 'member_ids.0': ['无效主键 “99” － 对象不存在。'], non_field_errors: ['出错了'] },
      ['name', 'code', 'members'],
      { member_ids: 'members' },
    );
    expect(split.inline).toEqual({ code: '具有 编码 的 支持组 已存在。', members: '无效主键 “99” － 对象不存在。' });
    expect(split.other).toEqual(['出错了']);
  });

  it('show what has no field as a message, in the server words', () => {
    const { errors, capture } = useFormErrors(['name']);
    capture(new ApiError(400, 'validation_error', '提交的数据有误，请检查标红的字段', { target_group: ['该字段是必填项。'] }));
    expect(errors.value).toEqual({});
    expect(ElMessage.error).toHaveBeenCalledWith(expect.objectContaining({ message: '该字段是必填项。' }));
  });

  it('leave other failures to the global handler', () => {
    const { capture } = useFormErrors(['name']);
    const denied = new ApiError(403, 'permission_denied', '您没有执行此操作的权限');
    expect(() => capture(denied)).toThrow(denied);
  });
});
