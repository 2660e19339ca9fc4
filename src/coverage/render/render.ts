import { CoverageReportSchema, type CoverageReport } from '../report-schema.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { renderTable } from './table.js';

export const REPORT_FORMATS = ['table', 'md', 'json', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** One entry point for every format; JSON goes through the same schema as GET /v1/coverage. */
export async function renderReport(report: CoverageReport, format: ReportFormat): Promise<string> {
  switch (format) {
    case 'table':
      return renderTable(report);
    case 'md':
      return renderMarkdown(report);
    case 'json':
      return `${JSON.stringify(CoverageReportSchema.parse(report), null, 2)}\n`;
    case 'html':
      return renderHtml(report);
  }
}
