// Coverage of the statecharts: basis, graph, records, recorder and reports.
export { chartBasis, type BasisState, type BasisTransition, type ChartBasis } from './chartBasis.ts';
export { chartGraph, chartShortestPaths, serializeBounded, COUNT_CAP, type ChartGraph, type GraphEdge } from './chartGraph.ts';
export { transitionTour, type TourLeg, type TransitionTour } from './transitionTour.ts';
export {
  emptyCoverage,
  mergeCoverage,
  coverageFromCounts,
  stateHits,
  transitionHits,
  COVERAGE_FORMAT_VERSION,
  pairKey,
  type CoverageRecord,
  type RaceCounts,
} from './coverageRecord.ts';
export { raceHtml, raceText, summarizeRaces, type RaceSummary } from './raceReport.ts';
export { coverageToJSON, coverageFromJSON, CoverageFormatError } from './coverageJson.ts';
export { CoverageRecorder } from './coverageRecorder.ts';
export { coverageText, summarizeCoverage, unknownIds, type ChartCoverageSummary } from './textReport.ts';
export { chartsDot, HEAT_SCALE } from './chartDot.ts';
export { chartSvg, chartsSvg, renderDotToSvg } from './chartSvg.ts';
export { coverageHtml, type HtmlReportOptions } from './htmlReport.ts';
