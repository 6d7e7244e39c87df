"""Seeds generated from the contract module, so dbt never keeps its own copy of the standard.

The CSVs are committed (dbt needs them at parse time) and regenerated before every build;
``tests/warehouse`` checks that the committed files equal what the contract says now.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pipelines.contract import (
    DISTRICT_FEEDS,
    DISTRICTS,
    REASON_ZH,
    SUBSIDY_CAP_BY_LEVEL,
    severity_of,
)

SEED_DIR = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "contract"


def _csv(header: list[str], rows: list[tuple]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def seed_texts() -> dict[str, str]:
    """File name -> CSV text, all derived from pipelines.contract."""
    codes = [
        (feed.name, col.name, code)
        for feed in DISTRICT_FEEDS.values()
        for col in feed.columns
        for code in col.codes or ()
    ]
    return {
        "contract_districts.csv": _csv(
            ["district_code", "district_name_zh"], sorted(DISTRICTS.items())
        ),
        "contract_subsidy_caps.csv": _csv(
            ["level", "cap_yuan"], sorted(SUBSIDY_CAP_BY_LEVEL.items())
        ),
        "contract_feeds.csv": _csv(
            ["feed", "feed_zh", "business_key"],
            [(f.name, f.zh, f.key) for f in DISTRICT_FEEDS.values()],
        ),
        "contract_codes.csv": _csv(["feed", "column_name", "code"], codes),
        "contract_reasons.csv": _csv(
            ["reason_code", "reason_zh", "severity"],
            [(code, zh, str(severity_of(code))) for code, zh in sorted(REASON_ZH.items())],
        ),
    }


def write_seeds(seed_dir: Path = SEED_DIR) -> list[Path]:
    """Write the seeds; a file whose text is unchanged is not touched (keeps dbt's partial
    parse and file mtimes quiet)."""
    seed_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in seed_texts().items():
        path = seed_dir / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
