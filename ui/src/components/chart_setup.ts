// ECharts, loaded on demand with only the charts and components the app draws (line, bar, pie on a grid,
// with tooltip and legend, on canvas), and the chart options built from lib/chart_choice's ChartData.
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { ChartData } from '../lib/chart_choice';

echarts.use([LineChart, BarChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export interface ChartColors {
  text: string;
  muted: string;
  grid: string;
  palette: string[];
}

// The theme's colours, read from the CSS variables in effect on `el`.
export function colorsOf(el: Element): ChartColors {
  const s = getComputedStyle(el);
  const v = (name: string, fallback: string) => s.getPropertyValue(name).trim() || fallback;
  const palette = [];
  for (let i = 1; i <= 8; i++) palette.push(v(`--chart-${i}`, '#3b82f6'));
  return { text: v('--text', '#222'), muted: v('--muted', '#666'), grid: v('--border', '#ddd'), palette };
}

export function chartOption(data: ChartData, c: ChartColors, compact: boolean): echarts.EChartsCoreOption {
  const base = {
    animation: false,
    color: c.palette,
    textStyle: { color: c.text },
    tooltip: { trigger: data.kind === 'pie' ? 'item' : 'axis', confine: true },
  };
  if (data.kind === 'pie') {
    return {
      ...base,
      legend: { type: 'scroll', bottom: 0, textStyle: { color: c.text } },
      series: [{
        type: 'pie',
        radius: compact ? ['30%', '62%'] : ['40%', '70%'],
        center: ['50%', '45%'],
        data: data.slices,
        label: { color: c.text, show: !compact },
      }],
    };
  }
  if (data.kind !== 'xy') return base;
  const many = data.series.length > 1;
  const axisStyle = {
    axisLine: { lineStyle: { color: c.grid } },
    axisLabel: { color: c.muted, hideOverlap: true },
    splitLine: { lineStyle: { color: c.grid, opacity: 0.5 } },
  };
  return {
    ...base,
    grid: { left: 8, right: 16, top: many && !compact ? 36 : 16, bottom: 8, containLabel: true },
    legend: many ? { type: 'scroll', top: 0, textStyle: { color: c.text }, show: !compact || data.series.length <= 6 } : undefined,
    xAxis: data.axis === 'time'
      ? { type: 'time', ...axisStyle, splitLine: { show: false } }
      : { type: 'category', data: data.categories, ...axisStyle, splitLine: { show: false } },
    yAxis: { type: 'value', ...axisStyle },
    series: data.series.map((s) => ({
      name: s.name,
      type: data.chart === 'bar' ? 'bar' : 'line',
      stack: data.chart === 'area' ? 'total' : undefined,
      areaStyle: data.chart === 'area' ? { opacity: 0.25 } : undefined,
      showSymbol: s.points.length < 40,
      connectNulls: false,
      data: data.axis === 'time' ? s.points : s.points.map((p) => p[1]),
    })),
  };
}

export interface ChartHandle {
  update(data: ChartData): void;
  resize(): void;
  dispose(): void;
}

export function mountChart(el: HTMLElement, data: ChartData, compact: boolean): ChartHandle {
  const chart = echarts.init(el, undefined, { renderer: 'canvas' });
  const draw = (d: ChartData) => chart.setOption(chartOption(d, colorsOf(el), compact), { notMerge: true, lazyUpdate: true });
  draw(data);
  return {
    update: draw,
    resize: () => chart.resize(),
    dispose: () => chart.dispose(),
  };
}
