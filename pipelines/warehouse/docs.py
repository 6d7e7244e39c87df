"""dbt docs for the warehouse, written as static files under ``<warehouse>/docs/dbt``."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from pipelines.settings import Settings
from pipelines.warehouse.project import docs_dir, run_dbt

# index.html needs manifest.json and catalog.json beside it; static_index.html embeds both
# and opens from the file system without a web server (auditors' laptops)
DOC_FILES = ("index.html", "static_index.html", "manifest.json", "catalog.json")


def generate_docs(settings: Settings) -> Path:
    """Run ``dbt docs generate --static`` against the built warehouse; copy only the docs
    (not compiled SQL or logs) into the docs folder."""
    out = docs_dir(settings)
    with tempfile.TemporaryDirectory(prefix="dbt-docs-") as tmp:
        done = run_dbt(
            ["docs", "generate", "--static"], settings, target_path=Path(tmp), check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"dbt docs generate failed:\n{done.stdout[-4000:]}")
        out.mkdir(parents=True, exist_ok=True)
        for name in DOC_FILES:
            if (Path(tmp) / name).exists():
                shutil.copy2(Path(tmp) / name, out / name)
    return out
