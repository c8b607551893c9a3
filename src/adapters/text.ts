/**
 * The visible text of a subtree, with block boundaries as new lines, and the text range of every
 * block element so that a match can be traced back to the smallest block that holds it.
 */

const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'IFRAME', 'OBJECT', 'HEAD', 'SELECT']);
const BLOCK = new Set([
  'ADDRESS',
  'ARTICLE',
  'ASIDE',
  'BLOCKQUOTE',
  'BODY',
  'BR',
  'DD',
  'DIV',
  'DL',
  'DT',
  'FIELDSET',
  'FIGURE',
  'FOOTER',
  'FORM',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'HEADER',
  'HR',
  'LI',
  'MAIN',
  'NAV',
  'OL',
  'P',
  'PRE',
  'SECTION',
  'TABLE',
  'TBODY',
  'TD',
  'TH',
  'THEAD',
  'TR',
  'UL',
]);
// Table cells and list items separate values without starting a new line of meaning.
const CELL = new Set(['TD', 'TH', 'DD', 'DT']);

export interface Block {
  start: number;
  end: number;
  depth: number;
}

export interface PageText {
  text: string;
  blocks: Block[];
}

function hidden(el: Element): boolean {
  return el.hasAttribute('hidden') || el.getAttribute('aria-hidden') === 'true';
}

export function pageText(root: Element): PageText {
  const parts: string[] = [];
  const blocks: Block[] = [];
  let length = 0;
  const push = (s: string) => {
    parts.push(s);
    length += s.length;
  };
  const walk = (el: Element, depth: number) => {
    for (let node = el.firstChild; node; node = node.nextSibling) {
      if (node.nodeType === 3) {
        push((node as Text).data);
      } else if (node.nodeType === 1) {
        const child = node as Element;
        const tag = child.tagName.toUpperCase();
        if (SKIP.has(tag) || hidden(child)) continue;
        if (!BLOCK.has(tag)) {
          walk(child, depth + 1);
          continue;
        }
        const sep = CELL.has(tag) ? ' \n' : '\n';
        push(sep);
        const start = length;
        walk(child, depth + 1);
        blocks.push({ start, end: length, depth });
        push(sep);
      }
    }
  };
  walk(root, 0);
  return { text: parts.join(''), blocks };
}

/** Blocks that contain [from, to), innermost first. */
export function enclosingBlocks(page: PageText, from: number, to: number): Block[] {
  return page.blocks.filter((b) => b.start <= from && b.end >= to).sort((a, b) => b.depth - a.depth);
}
