#!/usr/bin/env bash
# The main job on embedded defaults: install, simulate a small city (once), run the pipeline.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/skillwatch demo "$@"
