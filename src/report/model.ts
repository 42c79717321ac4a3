/**
 * The report's data model: what a page of `reports/` is made of (tables, figures, checked claims,
 * provenance). Producers (rate summaries, lemma results, seed experiments) build these plain
 * objects from results files; the renderers (Markdown, HTML, LaTeX, SVG, pgfplots .dat) turn them
 * into files. Everything here is JSON-serialisable and deterministic: no dates, no random ids.
 */

/** A table cell: text, a number (formatted by its column), or empty. */
export type CellValue = string | number | null;

/** A column of a {@link Table}. */
export interface TableColumn {
  readonly key: string;
  /** Header text (plain; escaped per output format). */
  readonly label: string;
  /** Alignment (default: 'r' for numeric columns, 'l' otherwise). */
  readonly align?: 'l' | 'r' | 'c';
  /** Significant digits for numbers in this column (default 4). */
  readonly digits?: number;
}

/** A table rendered as Markdown, HTML and a booktabs LaTeX tabular. */
export interface Table {
  /** File-name-safe id, unique in the report (the LaTeX file is `tex/<id>.tex`). */
  readonly id: string;
  /** The table's own LaTeX text for `tex/<id>.tex`, in place of the generic booktabs rendering. */
  readonly tex?: string;
  readonly title: string;
  readonly caption: string;
  readonly columns: readonly TableColumn[];
  readonly rows: readonly Readonly<Record<string, CellValue>>[];
}

/** One point of a series; `lo`/`hi` give a confidence band or error bar. */
export interface SeriesPoint {
  readonly x: number;
  readonly y: number;
  readonly lo?: number;
  readonly hi?: number;
}

/**
 * How a series is drawn:
 * - 'band': line through y with a shaded band from lo to hi (mean curve with a CI over seeds);
 * - 'points': markers with error bars from lo to hi (cell means with CIs);
 * - 'line' / 'dashed' / 'dotted': a plain line (fits, reference slopes, bounds).
 */
export type SeriesMark = 'band' | 'points' | 'line' | 'dashed' | 'dotted';

/** A named series of an {@link XYFigure}. */
export interface Series {
  readonly name: string;
  readonly mark: SeriesMark;
  readonly points: readonly SeriesPoint[];
}

/** An axis: label and whether it is logarithmic. */
export interface Axis {
  readonly label: string;
  readonly log?: boolean;
}

/** A figure with numeric x and y (convergence curves, log-log fits, sweeps). */
export interface XYFigure {
  readonly kind: 'xy';
  /** File-name-safe id, unique in the report (`figures/<id>.svg`, `figures/<id>.<series>.dat`). */
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly x: Axis;
  readonly y: Axis;
  readonly series: readonly Series[];
}

/** One estimate in a {@link DotFigure}: a value with an optional interval, in a category. */
export interface DotItem {
  /** Row of the plot (e.g. a method). */
  readonly category: string;
  /** Which estimate (e.g. "paper", "ours: mean and 95% CI"); one colour each. */
  readonly source: string;
  readonly value: number;
  readonly lo?: number;
  readonly hi?: number;
}

/** A dot plot: categories on the vertical axis, estimates with intervals side by side. */
export interface DotFigure {
  readonly kind: 'dots';
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly x: Axis;
  readonly categories: readonly string[];
  readonly sources: readonly string[];
  readonly items: readonly DotItem[];
}

/** Any figure of the report. */
export type Figure = XYFigure | DotFigure;

/** Outcome of a checked statement. */
export type ClaimVerdict = 'holds' | 'contradicted' | 'not resolved';

/** A statement checked against the data (e.g. the paper's ordering of methods). */
export interface Claim {
  readonly statement: string;
  readonly verdict: ClaimVerdict;
  /** The evidence: which intervals, at which family-wise level. */
  readonly detail: string;
}

/** Kinds of report items, in index order. */
export type PageKind = 'lemma' | 'rate' | 'negative' | 'experiment';

/** One item of the report: a page in Markdown and a section of index.html. */
export interface ReportPage {
  /** Item id (lemma / theorem / experiment id). */
  readonly id: string;
  readonly kind: PageKind;
  readonly title: string;
  /** Short verdict shown in the index ("TIGHT", "holds", "reproduced", "2 of 16 outside"...). */
  readonly verdict: string;
  /** True: as expected; false: a failure or disagreement worth reading; null: no verdict. */
  readonly ok: boolean | null;
  /** The statement in LaTeX (shown as source text; no math renderer offline). */
  readonly statement?: string;
  readonly source: string;
  /** Settings as label / value pairs. */
  readonly settings: readonly (readonly [string, string])[];
  readonly figures: readonly Figure[];
  readonly tables: readonly Table[];
  readonly claims: readonly Claim[];
  /** Paragraphs (inline `code` and **bold** are rendered). */
  readonly text: readonly string[];
  /** Where ours and the paper disagree, with the likely reason (seed experiments). */
  readonly discrepancies: readonly string[];
  /** Results file, seeds, engine, git sha, date... */
  readonly provenance: readonly (readonly [string, string])[];
}
