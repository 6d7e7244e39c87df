#!/usr/bin/env bash
# Create .venv and install the locked dependency set (idempotent; fast when already there).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
# uv resolves nothing: it installs exactly requirements.lock, the product with its `dev` and
# `sim` (simulator) extras (`uv pip compile pyproject.toml --extra dev --extra sim ...`)
.venv/bin/python -m pip install --quiet --disable-pip-version-check "uv==0.13.9"
stamp=.venv/.installed-$(cat requirements.lock requirements-nodeps.txt pyproject.toml scripts/setup.sh | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  # bytecode compiled at install: where PYTHONDONTWRITEBYTECODE is set (it is on our
  # machines) Python never caches it, and every process (each `skillwatch` command, each
  # test worker, each dbt subprocess) spent ~8 s recompiling dagster, GX and dbt
  uv() { .venv/bin/python -m uv pip "$1" --quiet --python .venv/bin/python "${@:2}"; }
  uv sync --compile-bytecode requirements.lock
  uv install --compile-bytecode --no-deps -r requirements-nodeps.txt
  uv install --no-deps -e .
  rm -f .venv/.installed-* && touch "$stamp"
fi
# the explicit preparation step (importing the code location never does it): the contract
# seeds and the dbt manifest, parsed only when a project file is newer than it
.venv/bin/skillwatch prepare >/dev/null
