/**
 * The visible text of one or more subtrees (regions), with block boundaries as new lines, and the
 * text range of every block element so that a match can be traced back to the smallest block that
 * holds it. Each region counts as a block of its own. What the user cannot see is skipped
 * (`visible.ts`): hidden attributes always; styles and geometry where the page is laid out.
 */
import { hasLayout, isShown } from './visible.ts';

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
  /** The block element (or the region): adapters go from a match back to the page's markup. */
  el: Element;
}

export interface PageText {
  text: string;
  blocks: Block[];
}

function hidden(el: Element): boolean {
  return el.hasAttribute('hidden') || el.getAttribute('aria-hidden') === 'true';
}

/**
 * Reads a subtree's text in steps that can stop at any node and resume: the content script walks a
 * large page in slices of a few milliseconds of idle time instead of one long task (uBlock Origin's
 * habit). An explicit stack replaces recursion so that the walk can pause anywhere.
 */
export class TextWalker {
  private readonly parts: string[] = [];
  private readonly blocks: Block[] = [];
  private length = 0;
  /** Open elements: the next child to visit, the block's start (-1 for inline), its separator. */
  private readonly stack: {
    next: ChildNode | null;
    start: number;
    depth: number;
    sep: string;
    el: Element;
    /** A flex or grid container: its children are laid out as cells, whatever their tag. */
    cells?: boolean;
  }[] = [];
  private readonly roots: Element[];

  /** Whether an element is seen: checked for blocks and styled inline elements, where laid out. */
  private readonly seen: (el: Element, block: boolean) => boolean;
  /** Whether a block lays its children out as cells (flex, grid), where laid out. */
  private readonly lays: (el: Element) => boolean;

  constructor(roots: Element | readonly Element[], options: { visibleOnly?: boolean } = {}) {
    this.roots = Array.isArray(roots) ? [...(roots as readonly Element[])] : [roots as Element];
    const doc = this.roots[0]?.ownerDocument;
    const check = (options.visibleOnly ?? true) && doc !== undefined && hasLayout(doc);
    this.seen = check
      ? (el, block) => (!block && !el.hasAttribute('style') && !el.hasAttribute('class')) || isShown(el)
      : () => true;
    this.lays = check
      ? (el) => /flex|grid/.test(el.ownerDocument.defaultView!.getComputedStyle(el).display)
      : () => false;
  }

  private push(s: string) {
    this.parts.push(s);
    this.length += s.length;
  }

  /** Walks until done or until `more()` says stop (checked every 256 nodes); true when done. */
  step(more: () => boolean = () => true): boolean {
    let budget = 256;
    for (;;) {
      if (--budget === 0) {
        if (!more()) return false;
        budget = 256;
      }
      if (this.stack.length === 0) {
        const root = this.roots.shift();
        if (!root) return true;
        if (!this.seen(root, true)) continue;
        this.push('\n');
        this.stack.push({ next: root.firstChild, start: this.length, depth: 1, sep: '\n', el: root });
        continue;
      }
      const top = this.stack[this.stack.length - 1]!;
      const node = top.next;
      if (!node) {
        this.stack.pop();
        if (top.start >= 0) {
          this.blocks.push({ start: top.start, end: this.length, depth: top.depth - 1, el: top.el });
          this.push(top.sep);
        }
        continue;
      }
      top.next = node.nextSibling;
      if (node.nodeType === 3) {
        this.push((node as Text).data);
      } else if (node.nodeType === 1) {
        const child = node as Element;
        const tag = child.tagName.toUpperCase();
        if (SKIP.has(tag) || hidden(child)) continue;
        const cell = top.cells === true;
        const block = BLOCK.has(tag) || cell;
        if (tag !== 'BR' && !this.seen(child, block)) continue;
        const depth = this.stack.length;
        if (!block) {
          this.stack.push({ next: child.firstChild, start: -1, depth, sep: '', el: child });
          continue;
        }
        const sep = CELL.has(tag) || cell ? ' \n' : '\n';
        this.push(sep);
        const cells = tag !== 'BR' && this.lays(child);
        this.stack.push({ next: child.firstChild, start: this.length, depth: depth + 1, sep, el: child, cells });
      }
    }
  }

  result(): PageText {
    return { text: this.parts.join(''), blocks: this.blocks };
  }
}

export function pageText(roots: Element | readonly Element[], options: { visibleOnly?: boolean } = {}): PageText {
  const walker = new TextWalker(roots, options);
  walker.step();
  return walker.result();
}

/** The innermost block element holding [from, to) of the text. */
export function elementAt(page: PageText, from: number, to: number): Element | undefined {
  let best: Block | undefined;
  for (const b of page.blocks) if (b.start <= from && b.end >= to && (!best || b.depth > best.depth)) best = b;
  return best?.el;
}

/** Blocks that contain [from, to), innermost first. */
export function enclosingBlocks(page: PageText, from: number, to: number): Block[] {
  return page.blocks.filter((b) => b.start <= from && b.end >= to).sort((a, b) => b.depth - a.depth);
}
