"""The product never imports the simulator: generators and planted truth live in simulator/
(and benchmarks/ evaluate against it), so what runs in production is only the product."""

from __future__ import annotations

import ast
from pathlib import Path

from pipelines.settings import REPO_ROOT

PRODUCT = ("pipelines", "video_features", "expectations", "apps")
# the command line is the one door: ``skillwatch simulate``/``demo`` (and the demo's helpers
# in a package's cli.py) may import the simulator lazily, inside the function that needs it


def _imported_modules(path: Path) -> list[tuple[int, str, bool]]:
    """(line, module, at top level) of every import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    top = {id(n) for n in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name, id(node) in top) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module, id(node) in top))
    return found


def _product_files() -> list[Path]:
    return [p for pkg in PRODUCT for p in sorted((REPO_ROOT / pkg).rglob("*.py"))]


def test_no_product_module_imports_the_simulator():
    files = _product_files()
    assert len(files) > 50  # the walk sees the product, not an empty folder
    offenders = []
    for path in files:
        rel = path.relative_to(REPO_ROOT)
        for line, module, top in _imported_modules(path):
            if module.split(".")[0] != "simulator":
                continue
            if rel.name == "cli.py" and not top:
                continue
            offenders.append(f"{rel}:{line} imports {module}")
    assert not offenders, "the product must not import the simulator:\n" + "\n".join(offenders)


def test_the_product_has_no_generators_and_does_not_know_the_truth_folder():
    """No simulate/sim_/synth module left inside a product package, and no product module
    spells the simulator's truth folder."""
    leftovers = [
        str(p.relative_to(REPO_ROOT))
        for p in _product_files()
        if p.stem in ("simulate", "synth") or p.stem.startswith("sim_")
    ]
    assert not leftovers
    spelled = [
        str(p.relative_to(REPO_ROOT))
        for p in _product_files()
        if "_truth" in p.read_text(encoding="utf-8").replace("_truth(", "")
    ]
    assert not spelled, f"the product reads the simulator's truth: {spelled}"


_IMPORT_PROBE = """
import json
from pipelines.warehouse import project, seeds

calls = []
# a stale manifest and seeds that would change: what made the old import parse and write
project._project_mtime = lambda: float("inf")
project.run_dbt = lambda args, *a, **k: calls.append(["dbt", *args])
seeds.write_seeds = lambda *a, **k: calls.append(["write_seeds"]) or []
import pipelines.definitions  # noqa: E402,F401

print(json.dumps(calls))
"""


def test_importing_the_code_location_parses_nothing_and_writes_no_seeds():
    """Importing pipelines.definitions has no side effects: the manifest and the seeds are
    prepared by `skillwatch prepare`, not by whoever imports the module (in a fresh
    interpreter, with a manifest that looks stale)."""
    import json
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_PROBE],
        cwd=REPO_ROOT,
        capture_output=True,
        encoding="utf-8",
        check=False,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_every_source_hands_the_code_location_its_assets_module():
    """One naming rule: definitions.py assembles ``<package>.assets`` modules (plus the
    operations module, which is one file), never dagster_defs/definitions_part."""
    tree = ast.parse((REPO_ROOT / "pipelines" / "definitions.py").read_text(encoding="utf-8"))
    handed = {
        (node.module, alias.name)
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module and node.module != "pipelines.resources"
        for alias in node.names
    }
    assert len(handed) >= 9
    assert {name for _, name in handed} == {"assets", "operations"}
    for stale in ("dagster_defs.py", "definitions_part.py"):
        assert not [p for p in _product_files() if p.name == stale]


# modules other helpers were editing when the catalogue came: to move to lake.path next
_LAKE_PATHS_TO_MIGRATE = {
    "pipelines/reports/report_log.py",
    "apps/streamlit/audit.py",
}


def _spells_a_lake_path(path: Path) -> list[int]:
    """Lines building a path under ``<something>.lake`` (``settings.lake / "x"``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Div)
        and isinstance(node.left, ast.Attribute)
        and node.left.attr == "lake"
    ]


def test_no_module_spells_a_lake_path_outside_the_catalogue():
    """Lake tables are found by name (pipelines/lib/lake.py; Settings holds the layer
    roots), so a table is spelled in one place."""
    allowed = {"pipelines/settings.py", "pipelines/lib/lake.py", *_LAKE_PATHS_TO_MIGRATE}
    spelled = {
        f"{rel}:{line}"
        for p in _product_files()
        if (rel := p.relative_to(REPO_ROOT).as_posix()) not in allowed
        for line in _spells_a_lake_path(p)
    }
    assert not spelled, f"use pipelines.lib.lake.path(settings, name): {sorted(spelled)}"
    # the ratchet only tightens: a migrated module leaves the list
    still = {m for m in _LAKE_PATHS_TO_MIGRATE if _spells_a_lake_path(REPO_ROOT / m)}
    assert still == _LAKE_PATHS_TO_MIGRATE, (
        f"migrated, drop from the list: {_LAKE_PATHS_TO_MIGRATE - still}"
    )
