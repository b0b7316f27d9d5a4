/**
 * What the article editor (Tiptap) may write: exactly the HTML the server keeps after cleaning
 * (hitsm/knowledge/services.py `ALLOWED_TAGS`): headings h2–h4, paragraphs, lists, bold, italic,
 * underline, inline code and code blocks, quotes, links, images, tables and rules. Strikethrough
 * (`<s>`) is not kept by the server, so it is not offered.
 */
import { Extension, type AnyExtension } from '@tiptap/core';
import Image from '@tiptap/extension-image';
import { TableKit } from '@tiptap/extension-table';
import StarterKit from '@tiptap/starter-kit';

/** A paragraph describing a screenshot (`<p class="figure">`), shown as a grey caption. */
export const FIGURE_CLASS = 'figure';

/** Keeps `class="figure"` on paragraphs (other classes are dropped, as the server would). */
export const FigureParagraph = Extension.create({
  name: 'figureParagraph',
  addGlobalAttributes() {
    return [
      {
        types: ['paragraph'],
        attributes: {
          class: {
            default: null,
            parseHTML: (element) => (element.classList.contains(FIGURE_CLASS) ? FIGURE_CLASS : null),
            renderHTML: (attributes) => (attributes.class === FIGURE_CLASS ? { class: FIGURE_CLASS } : {}),
          },
        },
      },
    ];
  },
});

/** Only web links and mail: the server drops every other scheme. */
export function isWebUrl(value: string, { mail = false } = {}): boolean {
  const text = value.trim();
  return /^https?:\/\/[^\s]+$/i.test(text) || (mail && /^mailto:[^\s]+$/i.test(text));
}

export function articleExtensions(): AnyExtension[] {
  return [
    StarterKit.configure({
      heading: { levels: [2, 3, 4] },
      strike: false,
      link: {
        openOnClick: false,
        autolink: true,
        protocols: ['http', 'https', 'mailto'],
        isAllowedUri: (url) => isWebUrl(url, { mail: true }),
        HTMLAttributes: { rel: 'noopener noreferrer', target: null },
      },
    }),
    Image.configure({ inline: false, allowBase64: false }),
    TableKit.configure({ table: { resizable: false } }),
    FigureParagraph,
  ];
}

/** The editor's HTML as the article stores it: without the empty paragraphs it keeps at the end. */
export function bodyHtml(html: string): string {
  return html.trim().replace(/(<p><\/p>)+$/, '');
}
