// Plots for the HTML reports: Vega-Lite specs compiled and rendered to SVG by Vega in Node (no canvas needed).
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export async function plotSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
