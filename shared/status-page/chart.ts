// The decisions chart: stacked bars, one per hour, a colour per reason, as inline SVG (no script, no external
// asset). Each bar segment carries a <title>, which browsers show on hover.
import type { StatusView } from '../pipeline/status';
import { esc } from './html';

const PALETTE = ['#2f6fb0', '#e08a1e', '#3b9a57', '#c43d3d', '#7d5bb5', '#8c6d46', '#d36fb5', '#6b7a8f'];
const OTHER = '#b5b5b5';
const W = 720;
const H = 160;
const PAD = 24;

/** The reasons drawn in their own colour (the most frequent first); the rest are one grey "other" band. */
function bands(series: StatusView['decisions']['series']) {
  const own = series
    .slice(0, PALETTE.length)
    .map((s, i) => ({ reason: s.reason, counts: s.counts, colour: PALETTE[i] }));
  const rest = series.slice(PALETTE.length);
  if (rest.length === 0) return own;
  const counts = rest[0].counts.map((_, h) => rest.reduce((a, s) => a + s.counts[h], 0));
  return [...own, { reason: 'other', counts, colour: OTHER }];
}

export function decisionsChart(d: StatusView['decisions']): string {
  if (d.total === 0) return '<p class="empty" id="decisions-chart">No decisions in the last 24 hours.</p>';
  const drawn = bands(d.series);
  const perHour = d.hours.map((_, h) => drawn.reduce((a, b) => a + b.counts[h], 0));
  const max = Math.max(1, ...perHour);
  const slot = (W - PAD) / d.hours.length;
  const bars: string[] = [];
  d.hours.forEach((hour, h) => {
    let y = H - PAD;
    for (const b of drawn) {
      const n = b.counts[h];
      if (!n) continue;
      const height = ((H - 2 * PAD) * n) / max;
      y -= height;
      bars.push(
        `<rect x="${(PAD + h * slot + 1).toFixed(1)}" y="${y.toFixed(1)}" width="${(slot - 2).toFixed(1)}" height="${height.toFixed(1)}" fill="${b.colour}"><title>${esc(hour.slice(11, 16))} UTC: ${esc(b.reason)} ${n}</title></rect>`,
      );
    }
  });
  const axis = `<line x1="${PAD}" y1="${H - PAD}" x2="${W}" y2="${H - PAD}" stroke="#888"/><text x="2" y="${PAD}" font-size="10">${max}</text><text x="${PAD}" y="${H - 6}" font-size="10">${esc(d.hours[0].slice(11, 16))}</text><text x="${W - 40}" y="${H - 6}" font-size="10">${esc(d.hours[d.hours.length - 1].slice(11, 16))}</text>`;
  const legend = drawn
    .map(
      (b) =>
        `<li><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="${b.colour}"/></svg> ${esc(b.reason)} <span class="n">${b.counts.reduce((a, c) => a + c, 0)}</span></li>`,
    )
    .join('');
  return `<svg id="decisions-chart" role="img" aria-label="Decisions per hour by reason" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">${axis}${bars.join('')}</svg><ul class="legend">${legend}</ul>`;
}
