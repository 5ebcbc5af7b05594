#!/usr/bin/env bash
# `npm test`, after the type check: the unit (and, when present, consumer) projects in one jest
# process and the real-engine integration project in another, side by side. The integration suites
# share one dockerd, so their process runs them one after the other (jest.config.js: maxWorkers 1);
# the unit tests need no engine and mostly use the CPU the waiting integration suites leave idle.
# Each line is prefixed with its process; the exit status fails if either fails.
set -uo pipefail
cd "$(dirname "$0")/.."
projects=(--selectProjects unit)
if node -e 'process.exit(require("./jest.config.js").projects.some((p) => p.displayName === "consumer") ? 0 : 1)'; then
  projects+=(consumer)
fi
( npx jest "${projects[@]}" "$@" 2>&1 | sed -u 's/^/[unit] /'; exit "${PIPESTATUS[0]}" ) &
unit=$!
( npx jest --selectProjects integration "$@" 2>&1 | sed -u 's/^/[integration] /'; exit "${PIPESTATUS[0]}" ) &
integration=$!
wait "$unit"; ru=$?
wait "$integration"; ri=$?
echo "npm test: unit $([ $ru -eq 0 ] && echo passed || echo "FAILED ($ru)"), integration $([ $ri -eq 0 ] && echo passed || echo "FAILED ($ri)")"
[ $ru -eq 0 ] && [ $ri -eq 0 ]
