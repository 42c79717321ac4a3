#!/usr/bin/env bash
# Regenerates the committed quick-profile report in reports/ from the current checkout:
#   1. rate theorems (quick profile) -> reports/results/*.jsonl, reports/rates.{json,md,tex}
#   2. lemma checks, when the CLI has a `lemmas` command -> reports/lemmas.{json,md,tex}
#   3. seed experiments (quick profile) -> reports/results/experiments/*.json
#   4. the report -> reports/index.{html,md}, reports/pages, reports/figures, reports/tex
# then (when Chromium is installed) opens reports/index.html in headless Chromium as a check.
# Usage: scripts/regenerate-report.sh [--reports DIR] [--skip-rates] [--skip-experiments]
#   --reports DIR  write everything under DIR instead of reports/ (e.g. to inspect before copying)
set -euo pipefail
cd "$(dirname "$0")/.."

skip_rates=0
skip_experiments=0
R=reports
while [ $# -gt 0 ]; do
  case "$1" in
    --skip-rates) skip_rates=1 ;;
    --skip-experiments) skip_experiments=1 ;;
    --reports) R="${2:?--reports needs a directory}"; shift ;;
    *) echo "regenerate-report: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$R"

cli() { node bin/signcheck.mjs "$@"; }
has_command() { node bin/signcheck.mjs --help 2>/dev/null | grep -qE "^  $1( |\$)"; }
# `report` / `experiments` live in src/cli/report.ts; use the stand-alone entry until main.ts wires them.
report_cli() {
  if has_command report; then cli "$@"; else npx tsx scripts/report-cli.ts "$@"; fi
}

if [ "$skip_rates" -eq 0 ]; then
  echo "== rate theorems (quick)"
  cli rates --profile quick --fresh --out "$R/results" --reports "$R"
fi
if has_command lemmas; then
  echo "== lemmas"
  cli lemmas --reports "$R" || echo "(some lemma verdicts are not as expected; the report shows them)"
fi
if [ "$skip_experiments" -eq 0 ]; then
  echo "== seed experiments (quick)"
  report_cli experiments --profile quick --out "$R/results/experiments"
fi
echo "== report"
report_cli report --reports "$R"

if [ -x /usr/bin/chromium ]; then
  echo "== browser check"
  npx tsx scripts/check-report-browser.ts "$R/index.html"
fi
