import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** A Vega-Lite specification with its data inline (`data: {values}`); see https://vega.github.io/vega-lite/. */
export type ChartSpec = TopLevelSpec;

/** Shared look: system fonts, no chart border, readable tick labels. */
const CONFIG: NonNullable<TopLevelSpec['config']> = {
  font: 'system-ui, -apple-system, "Segoe UI", sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', labelOverlap: 'greedy', labelLimit: 0, gridColor: '#ececec' },
  // Without a canvas Vega estimates text widths generously: no length limit, or labels get cut.
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', labelLimit: 0, titleLimit: 0 },
  title: { fontSize: 14, anchor: 'start' },
};

/** Nothing is fetched: every chart carries its data, and a spec that names a URL fails here, not at view time. */
const offlineLoader = vega.loader();
offlineLoader.load = (uri: string) => Promise.reject(new Error(`charts read inline data only, not ${uri}`));
offlineLoader.sanitize = (uri: string) => Promise.reject(new Error(`charts read inline data only, not ${uri}`));

/**
 * Renders a Vega-Lite spec to a standalone SVG string when the report is written: Vega's headless
 * view (`renderer: 'none'`, `toSVG()`), no canvas and no browser, so the page needs no script.
 * Text widths are estimated (no canvas to measure with); labels that would overlap are dropped.
 */
export async function renderChartSvg(spec: ChartSpec): Promise<string> {
  const compiled = compile(spec, { config: CONFIG }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader: offlineLoader });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The SVG without its XML namespaces, for inlining in an HTML page (HTML needs none). */
export function inlineSvg(svg: string): string {
  return svg.replace(/\s+xmlns(?::xlink)?="[^"]*"/g, '');
}
