#!/usr/bin/env bash
# `npm test`: two lanes side by side.
#   integration  the real-engine suites (they share one dockerd, so jest runs them one after the
#                other: jest.config.js maxWorkers 1); started first, as they are the long pole and
#                mostly wait on the engine.
#   unit         the type check, then (with CI=true, as .ci/run sets) the repository's checks:
#                prettier and eslint, the API report, `cdktf synth` of the examples, the topology
#                pictures, the API reference; then the unit and (when present) consumer projects.
#                They use the CPU the waiting integration suites leave idle.
# Each line is prefixed with its lane; the exit status fails if either fails. Extra arguments go
# to both jest runs.
set -uo pipefail
cd "$(dirname "$0")/.."
projects=(--selectProjects unit)
if node -e 'process.exit(require("./jest.config.js").projects.some((p) => p.displayName === "consumer") ? 0 : 1)'; then
  projects+=(consumer)
fi
started=$SECONDS

( npx jest --selectProjects integration "$@" 2>&1 | sed -u 's/^/[integration] /'; exit "${PIPESTATUS[0]}" ) &
integration=$!

step() {
  local name="$1"
  shift
  local t=$SECONDS
  if "$@"; then
    echo "step ${name}: ok in $((SECONDS - t)) s"
  else
    echo "step ${name}: FAILED after $((SECONDS - t)) s"
    return 1
  fi
}
unit_lane() {
  step typecheck npx tsc -p tsconfig.test.json --noEmit || return 1
  if [ "${CI:-}" = "true" ]; then
    step lint npm run --silent lint || return 1
    step api npm run --silent api || return 1
    step synth bash -c 'npx cdktf synth >/dev/null && ls cdktf.out/stacks' || return 1
    step graphs npm run --silent graphs -- --check || return 1
    step docs bash -c 'npm run --silent docs >/dev/null' || return 1
  fi
  # Two workers: the integration lane mostly waits on the engine (the unit project alone: about a minute).
  step jest npx jest "${projects[@]}" --maxWorkers=2 "$@"
}
( unit_lane "$@" 2>&1 | sed -u 's/^/[unit] /'; exit "${PIPESTATUS[0]}" ) &
unit=$!

wait "$unit"; ru=$?
echo "npm test: unit lane done in $((SECONDS - started)) s"
wait "$integration"; ri=$?
echo "npm test: $((SECONDS - started)) s; unit $([ $ru -eq 0 ] && echo passed || echo "FAILED ($ru)"), integration $([ $ri -eq 0 ] && echo passed || echo "FAILED ($ri)")"
[ $ru -eq 0 ] && [ $ri -eq 0 ]
