#!/usr/bin/env bash
# The GitHub Action's shell logic (action.yml calls it; tests run it locally).
#
#   run.sh install   make a venv under $RUNNER_TEMP, pip-install this checkout, output `bin`
#   run.sh check     run dsos-check; outputs `exit-code`, `report` and `verdict`, and one
#                    ::error/::warning/::notice annotation per namespace
#
# Inputs arrive as environment variables only (action.yml maps them with `env:`), so no input
# value is ever pasted into a script.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tmp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"

install() {
  set -e
  local python venv bin
  # The runner's own interpreter: no setup-python (a node action) is needed.
  python="$(command -v python3 || command -v python)"
  venv="$tmp/dsos-check-venv"
  "$python" -m venv "$venv"
  bin="$venv/bin"
  if [ -d "$venv/Scripts" ]; then bin="$venv/Scripts"; fi  # Windows runners
  "$bin/python" -m pip install --quiet --disable-pip-version-check "${GITHUB_ACTION_PATH:-$here/..}"
  echo "bin=$bin/dsos-check" >> "$GITHUB_OUTPUT"
  echo "python=$bin/python" >> "$GITHUB_OUTPUT"
}

check() {
  # The install step's console script; outside the Action (local runs), whatever is on PATH.
  local cli="${DSOS_CHECK:-dsos-check}"
  local -a args=(--format "${FORMAT:-table}" --fail-on "${FAIL_ON:-review}")
  [ -n "${CONFIG:-}" ] && args+=(--config "$CONFIG")
  [ -n "${BASELINE:-}" ] && args+=(--baseline "$BASELINE")
  [ -n "${NAMESPACES_FILE:-}" ] && args+=(--from-file "$NAMESPACES_FILE")
  # Evidence is always kept: the verdicts for the outputs and annotations are re-read from it
  # offline, whatever format the report is in.
  local evidence="${SAVE_EVIDENCE:-$tmp/dsos-check-evidence.json}"
  local report="${OUTPUT:-$tmp/dsos-check-report.${FORMAT:-table}}"
  args+=(--save-evidence "$evidence" --output "$report")

  set -f  # split the namespaces on whitespace, never glob them
  local code=0
  # shellcheck disable=SC2086
  "$cli" "${args[@]}" -- ${NAMESPACES:-} || code=$?
  set +f
  echo "exit-code=$code" >> "$GITHUB_OUTPUT"
  echo "report=$report" >> "$GITHUB_OUTPUT"
  if [ -z "${OUTPUT:-}" ] && [ -f "$report" ]; then cat "$report"; fi

  if [ "$code" = 2 ] || [ ! -f "$evidence" ]; then  # a usage error: nothing was checked
    echo "verdict=" >> "$GITHUB_OUTPUT"
    echo "::error title=dsos-check::exit code $code: nothing was checked (see the log)"
    return 0
  fi
  local verdicts="$tmp/dsos-check-verdicts.json"
  local -a offline=(--evidence "$evidence" --format json --quiet --output "$verdicts")
  [ -n "${CONFIG:-}" ] && offline+=(--config "$CONFIG")
  env -u GITHUB_STEP_SUMMARY -u DOCKERHUB_TOKEN -u DOCKERHUB_USERNAME -u GITHUB_TOKEN \
    "$cli" "${offline[@]}" || true
  "${PYTHON:-python3}" "$here/annotate.py" "$verdicts"
}

case "${1:-}" in
  install) install ;;
  check) check ;;
  *) echo "usage: $0 install|check" >&2; exit 2 ;;
esac
