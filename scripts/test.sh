#!/usr/bin/env bash
# The test command: install, lint, run the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
# two workers on the 2-core CI machine: the pipeline-run tests are independent
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-auto}" "$@"
