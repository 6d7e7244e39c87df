"""dbt docs for the warehouse, written as static files under ``<warehouse>/docs/dbt``.

The entry is ``static_index.html`` (``dbt docs generate --static``: the manifest and the
catalog embedded, every script and style inline), because dbt's ``index.html`` fetches
manifest.json and catalog.json, which a browser refuses from ``file://``: it never finishes
loading on an auditor's laptop. ``index.html`` is therefore a one-line redirect to the
static page, so whichever file a person opens works without a web server or internet.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from pipelines.settings import Settings
from pipelines.warehouse.project import built_manifest_path, docs_dir, run_dbt

ENTRY = "static_index.html"
# kept beside the entry for tools that read them (lineage, catalogue exports)
DATA_FILES = ("manifest.json", "catalog.json")
REDIRECT = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="0; url=static_index.html">
<title>SkillWatch dbt docs</title></head>
<body><p><a href="static_index.html">SkillWatch dbt docs</a></p></body></html>
"""


def install_docs(generated: Path, out: Path) -> Path:
    """Copy the static entry and the data files from dbt's target folder into ``out``
    (not compiled SQL or logs) and write the redirecting index.html; returns the entry."""
    if not (generated / ENTRY).exists():
        raise RuntimeError(f"dbt wrote no {ENTRY} in {generated} (dbt docs generate --static)")
    out.mkdir(parents=True, exist_ok=True)
    for name in (ENTRY, *DATA_FILES):
        if (generated / name).exists():
            shutil.copy2(generated / name, out / name)
    (out / "index.html").write_text(REDIRECT, encoding="utf-8")
    return out / ENTRY


def generate_docs(settings: Settings) -> Path:
    """Run ``dbt docs generate --static`` against the built warehouse into the docs folder;
    returns the folder. With the last build's manifest at hand (``built_manifest_path``) it
    is reused (``--no-compile``: the compiled SQL is the build's own, and a run saves the
    10-30 s a second compilation of every model took); without it, dbt compiles."""
    out = docs_dir(settings)
    with tempfile.TemporaryDirectory(prefix="dbt-docs-") as tmp:
        args = ["docs", "generate", "--static"]
        built = built_manifest_path(settings)
        if built.is_file():
            shutil.copy2(built, Path(tmp) / "manifest.json")
            args.append("--no-compile")
        done = run_dbt(args, settings, target_path=Path(tmp), check=False)
        if done.returncode != 0:
            raise RuntimeError(f"dbt docs generate failed:\n{done.stdout[-4000:]}")
        install_docs(Path(tmp), out)
    return out
