import type * as ChartJs from 'chart.js';
import { truncate } from '../../core/text.js';
import type { StatsView } from './stats.service.js';

const WIDTH = 1100;
const HEIGHT = 440;
const XP_PANEL = 680;
const PALETTE = ['#3B82F6', '#10B981', '#F59E0B', '#8B5CF6', '#EF4444', '#14B8A6', '#EC4899', '#6B7280'];

type ChartModule = typeof ChartJs;
let chartModule: Promise<ChartModule> | undefined;

/** chart.js and the native canvas load on the first chart, not at start-up. */
function loadChartJs(): Promise<ChartModule> {
  chartModule ??= import('chart.js').then((mod) => {
    mod.Chart.register(...mod.registerables);
    return mod;
  });
  return chartModule;
}

/** A white background: chat clients in dark mode would show a transparent PNG's black text on black. */
const whiteBackground = {
  id: 'whiteBackground',
  beforeDraw(chart: { ctx: CanvasRenderingContext2D; width: number; height: number }) {
    chart.ctx.save();
    chart.ctx.fillStyle = '#FFFFFF';
    chart.ctx.fillRect(0, 0, chart.width, chart.height);
    chart.ctx.restore();
  },
};

/**
 * The `/stats` picture: XP per day over the last 30 days next to completions by
 * category, drawn with chart.js on @napi-rs/canvas, as one PNG.
 */
export async function renderStatsChart(view: StatsView): Promise<Buffer> {
  const [{ Chart }, { createCanvas }] = await Promise.all([loadChartJs(), import('@napi-rs/canvas')]);
  const canvas = createCanvas(WIDTH, HEIGHT);
  const xpCanvas = createCanvas(XP_PANEL, HEIGHT);
  const categoryCanvas = createCanvas(WIDTH - XP_PANEL, HEIGHT);
  const common = { responsive: false, animation: false as const, devicePixelRatio: 1, layout: { padding: 12 } };

  const xpChart = new Chart(xpCanvas.getContext('2d') as unknown as CanvasRenderingContext2D, {
    type: 'bar',
    data: {
      labels: view.days.map((d) => `${Number(d.day.slice(8))}/${Number(d.day.slice(5, 7))}`),
      datasets: [{ label: 'XP', data: view.days.map((d) => d.xp), backgroundColor: '#3B82F6', borderRadius: 3 }],
    },
    options: {
      ...common,
      plugins: { legend: { display: false }, title: { display: true, text: `XP per day, last 30 days (${view.xp} XP)`, font: { size: 16 } } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 10 } } },
    },
    plugins: [whiteBackground],
  });

  const categories = view.categories.length ? view.categories : [{ name: 'No completions yet', count: 0 }];
  const categoryChart = new Chart(categoryCanvas.getContext('2d') as unknown as CanvasRenderingContext2D, {
    type: 'bar',
    data: {
      labels: categories.map((c) => truncate(c.name, 18)),
      datasets: [
        { label: 'Quests', data: categories.map((c) => c.count), backgroundColor: categories.map((_, i) => PALETTE[i % PALETTE.length]!), borderRadius: 3 },
      ],
    },
    options: {
      ...common,
      indexAxis: 'y',
      plugins: { legend: { display: false }, title: { display: true, text: `Completions by category (${view.completions})`, font: { size: 16 } } },
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
    },
    plugins: [whiteBackground],
  });

  const ctx = canvas.getContext('2d');
  ctx.drawImage(xpCanvas, 0, 0);
  ctx.drawImage(categoryCanvas, XP_PANEL, 0);
  xpChart.destroy();
  categoryChart.destroy();
  return canvas.toBuffer('image/png');
}
