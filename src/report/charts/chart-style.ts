/** The look every chart shares: a colour-blind-safe palette (Okabe and Ito), fonts, sizes. */
import type { Config } from 'vega-lite/build/index';

/** Okabe–Ito: distinguishable with the common colour-vision deficiencies, and in grayscale by lightness. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

export const CHART_CONFIG: Config = {
  font: 'system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif',
  background: '#ffffff',
  padding: 8,
  view: { stroke: '#d0d0d0' },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#ececec' },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' },
  title: { fontSize: 14, fontWeight: 'bold', anchor: 'start', offset: 10 },
  range: { category: PALETTE },
};
