// Renders the ours/Trystero ratios as a simple horizontal bar chart (SVG, no dependencies).
// A ratio below 1 means ours is smaller: faster, fewer messages, a smaller bundle; for frame rates
// higher is better. Blue bars: ours is better; red: Trystero is. `node bench/chart.mjs` redraws
// bench/results.svg from bench/results.json.
import { readFileSync, writeFileSync } from 'node:fs';

const higherIsBetter = (metric) => /fps/.test(metric);

export function renderRatioChart(rows) {
  const bars = rows.filter((r) => typeof r.ratio === 'number');
  const rowHeight = 26;
  const labelWidth = 300;
  const chartWidth = 360;
  const max = Math.max(2, ...bars.map((b) => b.ratio));
  const scale = (v) => (Math.min(v, max) / max) * chartWidth;
  const height = 40 + bars.length * rowHeight + 30;
  const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const items = bars.map((bar, i) => {
    const y = 40 + i * rowHeight;
    const oursBetter = higherIsBetter(bar.metric) ? bar.ratio >= 1 : bar.ratio <= 1;
    const colour = oursBetter ? '#2563eb' : '#b42318';
    return `<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end">${escape(bar.metric)}</text>`
      + `<rect x="${labelWidth}" y="${y + 4}" width="${scale(bar.ratio).toFixed(1)}" height="16" fill="${colour}"/>`
      + `<text x="${labelWidth + scale(bar.ratio) + 6}" y="${y + 16}">${bar.ratio}×</text>`;
  });
  const one = labelWidth + scale(1);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + chartWidth + 80}" height="${height}" font-family="system-ui, sans-serif" font-size="13">
<rect width="100%" height="100%" fill="#fff"/>
<text x="12" y="22" font-size="15" font-weight="600">ours ÷ Trystero (MQTT), one run. Blue: ours better; red: Trystero better</text>
${items.join('\n')}
<line x1="${one}" y1="34" x2="${one}" y2="${height - 24}" stroke="#111" stroke-dasharray="4 3"/>
<text x="${one}" y="${height - 8}" text-anchor="middle">1×</text>
</svg>
`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { rows } = JSON.parse(readFileSync('bench/results.json', 'utf8'));
  writeFileSync('bench/results.svg', renderRatioChart(rows));
  console.log('wrote bench/results.svg');
}
