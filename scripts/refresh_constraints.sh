#!/usr/bin/env bash
# Refresh constraints/test.txt, the pinned set that the README's test command and .ci/run
# install: resolve the project's extras afresh, in a throwaway virtualenv, at the newest
# releases pyproject.toml allows, and pin every package that came in.
#
#   scripts/refresh_constraints.sh            # extras: test (EXTRAS=test,serve for more)
#
# Then run the suite against the new pins and commit constraints/test.txt with the change
# that needed it. constraints/lowest.txt is written by hand: one line per lower bound.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${EXTRAS:-test}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q --upgrade-strategy eager -e ".[$extras]"
{
    echo "# The pinned test environment (extras: $extras), written by scripts/refresh_constraints.sh"
    echo "# with $("$work/venv/bin/python" --version) on $(date -u +%Y-%m-%d). Do not edit by hand."
    "$work/venv/bin/pip" freeze --exclude-editable
} > constraints/test.txt
echo "constraints/test.txt: $(grep -c '==' constraints/test.txt) packages pinned"
