// Draws throughput against concurrency, one panel per file size, one line per variant, as SVG.

/**
 * One cell of the bench, as far as the chart reads it.
 * @typedef {object} ChartRow
 * @property {string} variant
 * @property {string} size A size's label.
 * @property {number} concurrency
 * @property {number} uploadsPerSec
 */

/** @type {Record<string, string>} */
const COLORS = {
  raw: '#444444',
  rawfile: '#aaaaaa',
  service: '#1f77b4',
  naive: '#d62728',
  cache: '#2ca02c',
  controller: '#9467bd',
  direct: '#8c564b',
  proxy: '#e377c2',
};
const PANEL = { width: 300, height: 220 };
const PAD = { left: 56, right: 12, top: 36, bottom: 40 };

/**
 * The chart: one panel per size, concurrency across, uploads/s up (log scale).
 * @param {ChartRow[]} rows
 * @param {{ label: string }[]} sizes
 * @param {number[]} concurrencies
 * @returns {string} SVG.
 */
export function throughputChart(rows, sizes, concurrencies) {
  const width = sizes.length * (PANEL.width + PAD.left + PAD.right);
  const height = PANEL.height + PAD.top + PAD.bottom + 40;
  const variants = [...new Set(rows.map((r) => r.variant))];
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
  ];
  sizes.forEach((size, panel) =>
    parts.push(
      ...drawPanel(
        rows.filter((r) => r.size === size.label),
        size.label,
        panel,
        variants,
        concurrencies,
      ),
    ),
  );
  variants.forEach((variant, i) => {
    const lx = PAD.left + i * 130;
    parts.push(
      `<rect x="${lx}" y="${height - 21}" width="14" height="4" fill="${COLORS[variant] ?? '#000'}"/>`,
    );
    parts.push(`<text x="${lx + 20}" y="${height - 16}">${variant}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/**
 * One size's panel.
 * @param {ChartRow[]} cell The rows of this size.
 * @param {string} label
 * @param {number} panel Its index, from the left.
 * @param {string[]} variants
 * @param {number[]} concurrencies
 * @returns {string[]} SVG elements.
 */
function drawPanel(cell, label, panel, variants, concurrencies) {
  const x0 = panel * (PANEL.width + PAD.left + PAD.right) + PAD.left;
  const bottom = PAD.top + PANEL.height;
  // A log scale: cache hits run thousands a second, the controller tens, and both must show.
  const values = cell.map((r) => r.uploadsPerSec).filter((v) => v > 0);
  const lo = Math.floor(Math.log10(Math.min(...values, 10)));
  const hi = Math.ceil(Math.log10(Math.max(...values, 10)));
  const x = (/** @type {number} */ i) =>
    x0 +
    (concurrencies.length === 1 ? PANEL.width / 2 : (i / (concurrencies.length - 1)) * PANEL.width);
  const y = (/** @type {number} */ v) =>
    bottom - ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * PANEL.height;
  const parts = [
    `<text x="${x0 + PANEL.width / 2}" y="20" text-anchor="middle" font-size="13">${label} files</text>`,
    `<line x1="${x0}" y1="${bottom}" x2="${x0 + PANEL.width}" y2="${bottom}" stroke="#999"/>`,
    `<line x1="${x0}" y1="${PAD.top}" x2="${x0}" y2="${bottom}" stroke="#999"/>`,
    `<text x="${x0 + PANEL.width / 2}" y="${bottom + 32}" text-anchor="middle">concurrency</text>`,
  ];
  for (let e = lo; e <= hi; e++) {
    parts.push(`<text x="${x0 - 6}" y="${y(10 ** e) + 4}" text-anchor="end">${10 ** e}</text>`);
    parts.push(
      `<line x1="${x0}" y1="${y(10 ** e)}" x2="${x0 + PANEL.width}" y2="${y(10 ** e)}" stroke="#eee"/>`,
    );
  }
  concurrencies.forEach((c, i) =>
    parts.push(`<text x="${x(i)}" y="${bottom + 16}" text-anchor="middle">${c}</text>`),
  );
  if (panel === 0) {
    const mid = PAD.top + PANEL.height / 2;
    parts.push(
      `<text x="14" y="${mid}" transform="rotate(-90 14 ${mid})" text-anchor="middle">uploads/s (log scale)</text>`,
    );
  }
  for (const variant of variants) {
    const points = concurrencies.flatMap((c, i) => {
      const r = cell.find((row) => row.variant === variant && row.concurrency === c);
      return r ? [[x(i).toFixed(1), y(r.uploadsPerSec).toFixed(1)]] : [];
    });
    if (points.length === 0) continue;
    const color = COLORS[variant] ?? '#000';
    parts.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map((p) => p.join(',')).join(' ')}"/>`,
    );
    for (const [px, py] of points)
      parts.push(`<circle cx="${px}" cy="${py}" r="3" fill="${color}"/>`);
  }
  return parts;
}
