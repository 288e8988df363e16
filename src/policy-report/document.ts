import { escapeHtml } from '../audit/report-html.ts';

/**
 * A small document model (headings, paragraphs, lists, tables) that the report and the diff are written
 * in once and rendered three ways: an HTML fragment for the console, a standalone HTML page and Markdown
 * for a merge request. Text is plain; every renderer escapes it, so a description in the policy file
 * can never become markup.
 *
 * The fragment obeys the console's Content-Security-Policy: no <script>, no style attribute, no <style>.
 * Its class names (documented in docs/privacy-officer.md): `policy-document` on the root, `summary`,
 * `widens`, `narrows`, `unchanged` on sections, and on table rows `visibility-<kind>`.
 */
export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: readonly string[] }
  | { kind: 'table'; head: readonly string[]; rows: readonly TableRow[] }
  | { kind: 'section'; className: string; blocks: readonly Block[] };

export interface TableRow {
  cells: readonly string[];
  className?: string;
}

export type DocumentFormat = 'HTML' | 'MARKDOWN';

export function renderHtmlFragment(blocks: readonly Block[]): string {
  return `<article class="policy-document">\n${blocks.map(htmlBlock).join('\n')}\n</article>\n`;
}

/** A page of its own, with its stylesheet embedded: for a browser or an attachment, not for the console. */
export function renderHtmlPage(title: string, blocks: readonly Block[]): string {
  return `<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; max-width: 75rem; line-height: 1.4; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #bbb; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #eee; }
tr.visibility-never td { color: #666; }
tr.visibility-consent td, tr.visibility-breakGlass td { background: #fff7e0; }
section.widens { border-left: 4px solid #c00; padding-left: 1rem; }
section.narrows { border-left: 4px solid #080; padding-left: 1rem; }
</style>
</head>
<body>
${renderHtmlFragment(blocks)}</body>
</html>
`;
}

export function renderMarkdown(blocks: readonly Block[]): string {
  return `${blocks.map(markdownBlock).join('\n\n')}\n`;
}

export function render(blocks: readonly Block[], format: DocumentFormat): string {
  return format === 'HTML' ? renderHtmlFragment(blocks) : renderMarkdown(blocks);
}

function htmlBlock(block: Block): string {
  switch (block.kind) {
    case 'heading':
      return `<h${block.level}>${escapeHtml(block.text)}</h${block.level}>`;
    case 'paragraph':
      return `<p>${escapeHtml(block.text)}</p>`;
    case 'list':
      return `<ul>\n${block.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('\n')}\n</ul>`;
    case 'table': {
      const head = `<thead><tr>${block.head.map((cell) => `<th scope="col">${escapeHtml(cell)}</th>`).join('')}</tr></thead>`;
      const rows = block.rows.map((row) => `<tr${row.className ? ` class="${escapeHtml(row.className)}"` : ''}>${row.cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`);
      return `<table>\n${head}\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
    }
    case 'section':
      return `<section class="${escapeHtml(block.className)}">\n${block.blocks.map(htmlBlock).join('\n')}\n</section>`;
  }
}

function markdownBlock(block: Block): string {
  switch (block.kind) {
    case 'heading':
      return `${'#'.repeat(block.level)} ${markdownText(block.text)}`;
    case 'paragraph':
      return markdownText(block.text);
    case 'list':
      return block.items.map((item) => `- ${markdownText(item)}`).join('\n');
    case 'table': {
      const line = (cells: readonly string[]) => `| ${cells.map((cell) => markdownText(cell).replace(/\|/g, '\\|')).join(' | ')} |`;
      return [line(block.head), `| ${block.head.map(() => '---').join(' | ')} |`, ...block.rows.map((row) => line(row.cells))].join('\n');
    }
    case 'section':
      return block.blocks.map(markdownBlock).join('\n\n');
  }
}

/** Plain text in Markdown: no line breaks inside a block, and no raw HTML a merge-request viewer would render. */
function markdownText(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/[<>&]/g, (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[char]!);
}
