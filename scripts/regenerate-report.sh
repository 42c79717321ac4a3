#!/usr/bin/env bash
# Regenerates the committed quick-profile report in reports/ from the current checkout:
#   1. rate theorems (quick profile) -> reports/results/*.jsonl, reports/rates.{json,md,tex}
#   2. lemma checks, when the CLI has a `lemmas` command -> reports/lemmas.{json,md,tex}
#   3. seed experiments (quick profile) -> reports/results/experiments/*.json
#   4. the report -> reports/index.{html,md}, reports/pages, reports/figures, reports/tex
# then (when Chromium is installed) opens reports/index.html in headless Chromium as a check.
# Usage: scripts/regenerate-report.sh [--skip-rates] [--skip-experiments]
set -euo pipefail
cd "$(dirname "$0")/.."

skip_rates=0
skip_experiments=0
for a in "$@"; do
  case "$a" in
    --skip-rates) skip_rates=1 ;;
    --skip-experiments) skip_experiments=1 ;;
    *) echo "regenerate-report: unknown option $a" >&2; exit 2 ;;
  esac
done

cli() { node bin/signcheck.mjs "$@"; }
has_command() { node bin/signcheck.mjs --help 2>/dev/null | grep -qE "^  $1( |\$)"; }
# `report` / `experiments` live in src/cli/report.ts; use the stand-alone entry until main.ts wires them.
report_cli() {
  if has_command report; then cli "$@"; else npx tsx scripts/report-cli.ts "$@"; fi
}

if [ "$skip_rates" -eq 0 ]; then
  echo "== rate theorems (quick)"
  cli rates --profile quick --fresh --out reports/results --reports reports
fi
if has_command lemmas; then
  echo "== lemmas"
  cli lemmas --reports reports || echo "(some lemma verdicts are not as expected; the report shows them)"
fi
if [ "$skip_experiments" -eq 0 ]; then
  echo "== seed experiments (quick)"
  report_cli experiments --profile quick --out reports/results/experiments
fi
echo "== report"
report_cli report --reports reports

if [ -x /usr/bin/chromium ]; then
  echo "== browser check"
  npx tsx -e "import('./src/report/browser.ts').then(async (b) => { const r = await b.checkReportInBrowser('reports/index.html'); const bad = r.consoleErrors.length + r.pageErrors.length + r.externalRequests.length + r.figures.filter((f) => !(f.width > 0 && f.height > 0 && f.paths > 0)).length; console.log(\`\${r.figures.length} figures rendered, \${r.consoleErrors.length} console errors, \${r.externalRequests.length} external requests\`); process.exit(bad ? 1 : 0); })"
fi
