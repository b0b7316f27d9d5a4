import { uploadKnowledgeImage, type KnowledgeImage } from '@hitsm/api';
import { ref, type Ref } from 'vue';

/**
 * Pictures for an article's body (docs/knowledge.md): what the server accepts
 * (hitsm/knowledge/images.py — JPEG, PNG, GIF, WebP up to 5 MB, never SVG), checked here first
 * so an author hears at once, then uploaded; the server checks the bytes again.
 */
export const IMAGE_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];
export const MAX_IMAGE_MB = 5;
const MAX_IMAGE_BYTES = MAX_IMAGE_MB * 1024 * 1024;

export type ImageProblem = 'wrong_type' | 'too_large';

/** Why the server would refuse this file, or null. */
export function imageProblem(file: Pick<File, 'type' | 'size'>): ImageProblem | null {
  if (!IMAGE_TYPES.includes(file.type)) return 'wrong_type';
  if (file.size > MAX_IMAGE_BYTES) return 'too_large';
  return null;
}

/** The files of a paste or a drop that are pictures (any image type: the check says which). */
export function imageFiles(files: FileList | readonly File[] | null | undefined): File[] {
  return Array.from(files ?? []).filter((file) => file.type.startsWith('image/'));
}

export interface ImageUploadHandlers {
  /** A file refused before upload, with why. */
  onRefused: (file: File, problem: ImageProblem) => void;
  /** The server refused it or the upload failed. */
  onError: (error: unknown) => void;
}

/** Upload pictures for the article `articleId` (null: not saved yet; the first save binds them). */
export function useImageUpload(articleId: Ref<number | null | undefined>, handlers: ImageUploadHandlers) {
  const uploading = ref(0);

  async function upload(files: readonly File[]): Promise<KnowledgeImage[]> {
    const done: KnowledgeImage[] = [];
    for (const file of files) {
      const problem = imageProblem(file);
      if (problem) {
        handlers.onRefused(file, problem);
        continue;
      }
      uploading.value += 1;
      try {
        done.push(await uploadKnowledgeImage(file, articleId.value ?? null));
      } catch (error) {
        handlers.onError(error);
      } finally {
        uploading.value -= 1;
      }
    }
    return done;
  }

  return { uploading, upload };
}
