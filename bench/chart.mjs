// Draws throughput against concurrency, one panel per file size, one line per variant, as SVG.
const COLORS = {
  raw: '#444444',
  service: '#1f77b4',
  naive: '#d62728',
  cache: '#2ca02c',
  controller: '#9467bd',
  direct: '#8c564b',
};

export function throughputChart(rows, sizes, concurrencies) {
  const panelW = 300;
  const panelH = 220;
  const pad = { left: 56, right: 12, top: 36, bottom: 40 };
  const width = sizes.length * (panelW + pad.left + pad.right);
  const height = panelH + pad.top + pad.bottom + 40;
  const variants = [...new Set(rows.map((r) => r.variant))];
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
  ];
  sizes.forEach((size, panel) => {
    const x0 = panel * (panelW + pad.left + pad.right) + pad.left;
    const cell = rows.filter((r) => r.size === size.label);
    const max = Math.max(1, ...cell.map((r) => r.uploadsPerSec)) * 1.1;
    const x = (i) =>
      x0 + (concurrencies.length === 1 ? panelW / 2 : (i / (concurrencies.length - 1)) * panelW);
    const y = (v) => pad.top + panelH - (v / max) * panelH;
    parts.push(
      `<text x="${x0 + panelW / 2}" y="20" text-anchor="middle" font-size="13">${size.label} files</text>`,
    );
    parts.push(
      `<line x1="${x0}" y1="${pad.top + panelH}" x2="${x0 + panelW}" y2="${pad.top + panelH}" stroke="#999"/>`,
    );
    parts.push(
      `<line x1="${x0}" y1="${pad.top}" x2="${x0}" y2="${pad.top + panelH}" stroke="#999"/>`,
    );
    for (let t = 0; t <= 4; t++) {
      const v = (max * t) / 4;
      parts.push(
        `<text x="${x0 - 6}" y="${y(v) + 4}" text-anchor="end">${v >= 100 ? Math.round(v) : v.toFixed(1)}</text>`,
      );
      parts.push(`<line x1="${x0}" y1="${y(v)}" x2="${x0 + panelW}" y2="${y(v)}" stroke="#eee"/>`);
    }
    concurrencies.forEach((c, i) =>
      parts.push(`<text x="${x(i)}" y="${pad.top + panelH + 16}" text-anchor="middle">${c}</text>`),
    );
    parts.push(
      `<text x="${x0 + panelW / 2}" y="${pad.top + panelH + 32}" text-anchor="middle">concurrency</text>`,
    );
    if (panel === 0)
      parts.push(
        `<text x="14" y="${pad.top + panelH / 2}" transform="rotate(-90 14 ${pad.top + panelH / 2})" text-anchor="middle">uploads/s</text>`,
      );
    for (const variant of variants) {
      const points = concurrencies
        .map((c, i) => [i, cell.find((r) => r.variant === variant && r.concurrency === c)])
        .filter(([, r]) => r)
        .map(([i, r]) => `${x(i).toFixed(1)},${y(r.uploadsPerSec).toFixed(1)}`);
      if (points.length === 0) continue;
      parts.push(
        `<polyline fill="none" stroke="${COLORS[variant] ?? '#000'}" stroke-width="2" points="${points.join(' ')}"/>`,
      );
      for (const p of points) {
        const [px, py] = p.split(',');
        parts.push(`<circle cx="${px}" cy="${py}" r="3" fill="${COLORS[variant] ?? '#000'}"/>`);
      }
    }
  });
  variants.forEach((variant, i) => {
    const lx = pad.left + i * 130;
    const ly = height - 12;
    parts.push(
      `<rect x="${lx}" y="${ly - 9}" width="14" height="4" fill="${COLORS[variant] ?? '#000'}"/>`,
    );
    parts.push(`<text x="${lx + 20}" y="${ly - 4}">${variant}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
