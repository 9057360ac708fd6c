// DOM helpers of the overview page: elements, tables and bar charts in inline SVG, built node by node, so every
// value from the API becomes text (textContent), never markup. No innerHTML anywhere.
/* global document */

const SVG = 'http://www.w3.org/2000/svg';

/** Appends children: strings and numbers as text nodes, nodes as they are, null/undefined skipped. */
function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined) continue;
    parent.append(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** An HTML element with attributes (set with setAttribute, so never parsed as markup) and children. */
export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined && value !== null) node.setAttribute(name, String(value));
  return append(node, children);
}

function svgElement(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined && value !== null) node.setAttribute(name, String(value));
  return append(node, children);
}

/** A paragraph saying why a part is missing. */
export const note = (text, className = 'note') => element('p', { class: className }, text);

/**
 * A table: `columns` are { heading, cell(row) → text or node }; `rowAttributes(row)` gives each row's attributes
 * (the test and scripts find rows by them).
 */
export function table(columns, rows, rowAttributes = () => ({})) {
  return element(
    'table',
    {},
    element('thead', {}, element('tr', {}, ...columns.map((column) => element('th', { scope: 'col' }, column.heading)))),
    element('tbody', {}, ...rows.map((row) => element('tr', rowAttributes(row), ...columns.map((column) => element('td', {}, column.cell(row)))))),
  );
}

const LABEL_WIDTH = 150;
const BAR_WIDTH = 260;
const ROW_HEIGHT = 26;

/**
 * A horizontal bar chart as inline SVG. `bars` are { label, value, figure, kind? }: each bar's length is its
 * value over `max` (default the largest value), its value is printed after it in a <text data-figure=…> whose
 * text is exactly the number. The chart's title is its accessible name.
 */
export function barChart(title, bars, { max = Math.max(1, ...bars.map((bar) => bar.value)) } = {}) {
  const height = Math.max(1, bars.length) * ROW_HEIGHT;
  const width = LABEL_WIDTH + BAR_WIDTH + 70;
  const rows = bars.map((bar, index) => {
    const y = index * ROW_HEIGHT;
    const length = max > 0 ? Math.round((BAR_WIDTH * bar.value) / max) : 0;
    return svgElement(
      'g',
      { class: `bar ${bar.kind ?? ''}`.trim() },
      svgElement('title', {}, `${bar.label}: ${bar.value}`),
      svgElement('text', { x: LABEL_WIDTH - 8, y: y + 17, 'text-anchor': 'end', class: 'label' }, bar.label),
      svgElement('rect', { x: LABEL_WIDTH, y: y + 4, width: BAR_WIDTH, height: ROW_HEIGHT - 8, class: 'track' }),
      svgElement('rect', { x: LABEL_WIDTH, y: y + 4, width: length, height: ROW_HEIGHT - 8, class: 'fill' }),
      svgElement('text', { x: LABEL_WIDTH + BAR_WIDTH + 8, y: y + 17, class: 'value', 'data-figure': bar.figure }, bar.value),
    );
  });
  const chart = svgElement('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': title }, ...rows);
  return element('figure', { class: 'chart' }, element('figcaption', {}, title), chart);
}

/** A small progress bar (SVG) for `done` of `total`. */
export function progressBar(done, total) {
  const width = 120;
  const length = total > 0 ? Math.round((width * done) / total) : 0;
  return svgElement(
    'svg',
    { viewBox: `0 0 ${width} 10`, width, height: 10, role: 'img', 'aria-label': `${done} of ${total}`, class: 'progress' },
    svgElement('rect', { x: 0, y: 0, width, height: 10, class: 'track' }),
    svgElement('rect', { x: 0, y: 0, width: length, height: 10, class: 'fill' }),
  );
}

/** Milliseconds since the epoch (or an ISO string) as a <time> reading `YYYY-MM-DD HH:MM:SSZ`; `—` for none. */
export function timeOf(value) {
  if (value === null || value === undefined || value === '') return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const iso = date.toISOString();
  return element('time', { datetime: iso }, `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`);
}

/** A duration in milliseconds, in the largest whole unit (`90 s`, `10 min`, `3 h`, `7 d`). */
export function durationOf(ms) {
  if (ms === null || ms === undefined) return '—';
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}
