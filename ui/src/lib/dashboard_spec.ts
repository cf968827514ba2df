// Dashboard specs as the app edits them: a new dashboard's spec, new panel ids and places on the 12-column
// grid, and checks before a spec is saved.
import type { ChartType } from './chart_choice';
import { DEFAULT_RANGE, TimeRange } from './time_range';
import type { DashboardVariable } from './sql_params';

export const GRID_COLUMNS = 12;

export interface PanelLayout {
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface SpecPanel extends PanelLayout {
  title: string;
  sql: string;
  chart: ChartType;
}

export interface Spec {
  time_range: TimeRange;
  variables: DashboardVariable[];
  panels: SpecPanel[];
}

export function emptySpec(): Spec {
  return { time_range: { ...DEFAULT_RANGE }, variables: [], panels: [] };
}

// "p<N>" one above the highest number in use.
export function nextPanelId(panels: Array<{ id: string }>): string {
  let max = 0;
  for (const p of panels) {
    const m = /^p(\d+)$/.exec(p.id);
    if (m) max = Math.max(max, Number(m[1]));
  }
  let id = `p${max + 1}`;
  while (panels.some((p) => p.id === id)) id = `p${Number(id.slice(1)) + 1}`;
  return id;
}

// Where a new panel of width w goes: beside the last row's panels if it fits, else on a new row below.
export function placeNewPanel(panels: PanelLayout[], w: number, h: number): { x: number; y: number; w: number; h: number } {
  const width = Math.min(Math.max(1, Math.round(w)), GRID_COLUMNS);
  if (panels.length === 0) return { x: 0, y: 0, w: width, h };
  const bottom = Math.max(...panels.map((p) => p.y + p.h));
  const lastRowY = Math.max(...panels.map((p) => p.y));
  const lastRow = panels.filter((p) => p.y === lastRowY);
  const usedTo = Math.max(...lastRow.map((p) => p.x + p.w));
  const rowBottom = Math.max(...lastRow.map((p) => p.y + p.h));
  if (usedTo + width <= GRID_COLUMNS && rowBottom === bottom) return { x: usedTo, y: lastRowY, w: width, h };
  return { x: 0, y: bottom, w: width, h };
}

// Panels in reading order (top to bottom, left to right), the order of the page and of the keyboard.
export function readingOrder<T extends PanelLayout>(panels: T[]): T[] {
  return [...panels].sort((a, b) => a.y - b.y || a.x - b.x);
}

// What is wrong with a spec, in words (empty when it can be saved).
export function specProblems(spec: Spec): string[] {
  const out: string[] = [];
  const ids = new Set<string>();
  for (const p of spec.panels) {
    const name = p.title || p.id;
    if (ids.has(p.id)) out.push(`two panels have the id ${p.id}`);
    ids.add(p.id);
    if (p.sql.trim() === '') out.push(`panel "${name}" has no SQL`);
    if (!Number.isInteger(p.x) || p.x < 0 || p.x >= GRID_COLUMNS) out.push(`panel "${name}": x must be 0 to 11`);
    if (!Number.isInteger(p.w) || p.w < 1 || p.x + p.w > GRID_COLUMNS) out.push(`panel "${name}": x + width must be at most 12`);
    if (!Number.isInteger(p.y) || p.y < 0) out.push(`panel "${name}": y must be 0 or more`);
    if (!Number.isInteger(p.h) || p.h < 1 || p.h > 24) out.push(`panel "${name}": height must be 1 to 24`);
  }
  const names = new Set<string>();
  for (const v of spec.variables) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(v.name)) out.push(`variable "${v.name}" needs a name of letters, digits and underscores`);
    else if (v.name === 'from' || v.name === 'to') out.push(`variable "${v.name}": from and to are the time range`);
    else if (names.has(v.name)) out.push(`two variables are named ${v.name}`);
    names.add(v.name);
    if (v.type.trim() === '') out.push(`variable "${v.name}" needs a type`);
  }
  return out;
}
