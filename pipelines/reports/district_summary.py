"""What a district's report says, computed from the lake (pure functions on frames).

The run's deliveries of ONE district, its checks' pass rates, a two-week trend, and its
quarantined rows. Every frame is filtered on ``district_code`` first, and the result is
asserted to hold that district only: a district never receives another district's rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from expectations.checks import FILE_READABLE, NOT_DUPLICATE, feed_checks
from pipelines.contract import DISTRICT_FEEDS, DISTRICTS

_FILE_CHECK_LABELS = {
    FILE_READABLE.name: FILE_READABLE.label_zh,
    NOT_DUPLICATE.name: NOT_DUPLICATE.label_zh,
}


def check_labels() -> dict[tuple[str, str], str]:
    """(feed, check) -> Chinese label, from the generated suites."""
    labels = {}
    for name, feed in DISTRICT_FEEDS.items():
        for spec in feed_checks(feed):
            labels[(name, spec.name)] = spec.label_zh
    return labels


@dataclass
class Trend:
    this_week: tuple[dt.date, dt.date] | None = None
    acceptance_this_week: float | None = None
    acceptance_previous_week: float | None = None
    checks_passed_this_week: float | None = None
    checks_passed_previous_week: float | None = None

    @property
    def acceptance_change(self) -> float | None:
        if self.acceptance_this_week is None or self.acceptance_previous_week is None:
            return None
        return self.acceptance_this_week - self.acceptance_previous_week

    @property
    def checks_passed_change(self) -> float | None:
        if self.checks_passed_this_week is None or self.checks_passed_previous_week is None:
            return None
        return self.checks_passed_this_week - self.checks_passed_previous_week


@dataclass
class DistrictReport:
    district_code: str
    district_name: str
    run_id: str
    files: pl.DataFrame  # the run's deliveries of the district
    checks: pl.DataFrame  # feed, check, label, severity, rows_checked, rows_failed, pass_rate
    by_feed: pl.DataFrame  # feed, feed_zh, files, rows_read, rows_accepted, rows_quarantined
    quarantine: pl.DataFrame  # the district's quarantined rows of the run (masked values)
    trend: Trend = field(default_factory=Trend)
    # what a district contact can place: the how-manieth ingest run this is, and the days
    # its data covers (the run id stays in the message headers for the operators)
    batch_number: int | None = None
    data_days: tuple[dt.date, dt.date] | None = None

    @property
    def batch_label(self) -> str:
        """'第 3 批 · 数据日期 2026-09-01 至 2026-09-28' (days: of this district's files)."""
        parts = [f"第 {self.batch_number} 批"] if self.batch_number else []
        if self.data_days:
            first, last = self.data_days
            days = f"{first:%Y-%m-%d}" if first == last else f"{first:%Y-%m-%d} 至 {last:%Y-%m-%d}"
            parts.append(f"数据日期 {days}")
        return " · ".join(parts) or "本批次"

    @property
    def batch_code(self) -> str:
        """For file names: '第3批' (or the run id when the register does not know the run)."""
        return f"第{self.batch_number}批" if self.batch_number else self.run_id

    @property
    def totals(self) -> dict[str, int]:
        f = self.files
        return {
            "files": f.height,
            "rows_read": int(f["rows_read"].sum()) if f.height else 0,
            "rows_accepted": int(f["rows_accepted"].sum()) if f.height else 0,
            "rows_quarantined": int(f["rows_quarantined"].sum()) if f.height else 0,
            "files_unreadable": int((f["status"] == "unreadable").sum()) if f.height else 0,
        }


def _rate(num: int | float, den: int | float) -> float | None:
    return None if not den else float(num) / float(den)


def _pass_rates(dq: pl.DataFrame) -> pl.DataFrame:
    if dq.is_empty():
        return pl.DataFrame(
            schema={
                "feed": pl.String,
                "check": pl.String,
                "label": pl.String,
                "severity": pl.String,
                "deliveries": pl.Int64,
                "rows_checked": pl.Int64,
                "rows_failed": pl.Int64,
                "pass_rate": pl.Float64,
            }
        )
    labels = check_labels()
    grouped = dq.group_by("feed", "check", "severity").agg(
        pl.len().alias("deliveries"),
        pl.col("passed").sum().alias("deliveries_passed"),
        pl.col("rows_checked").sum(),
        pl.col("rows_failed").sum(),
    )
    # row checks: share of rows passing; file checks (no rows): share of files passing
    rate = (
        pl.when(pl.col("rows_checked") > 0)
        .then(1 - pl.col("rows_failed") / pl.col("rows_checked"))
        .otherwise(pl.col("deliveries_passed") / pl.col("deliveries"))
    )
    label = pl.struct("feed", "check").map_elements(
        lambda s: labels.get(
            (s["feed"], s["check"]), _FILE_CHECK_LABELS.get(s["check"], s["check"])
        ),
        return_dtype=pl.String,
    )
    return (
        grouped.with_columns(rate.alias("pass_rate"), label.alias("label"))
        .select(
            "feed",
            "check",
            "label",
            "severity",
            "deliveries",
            "rows_checked",
            "rows_failed",
            "pass_rate",
        )
        .sort(["pass_rate", "feed", "check"])
    )


def _week_rates(register: pl.DataFrame, dq: pl.DataFrame, start: dt.datetime, end: dt.datetime):
    week = register.filter((pl.col("delivered_at") >= start) & (pl.col("delivered_at") < end))
    acceptance = (
        _rate(week["rows_accepted"].sum(), week["rows_read"].sum()) if week.height else None
    )
    checks = (
        dq.join(week.select("file", "sha256"), on=["file", "sha256"], how="semi")
        if dq.height
        else dq
    )
    passed = _rate(checks["passed"].sum(), checks.height) if checks.height else None
    return acceptance, passed


def _trend(register: pl.DataFrame, dq: pl.DataFrame, run_files: pl.DataFrame) -> Trend:
    """This week = the 7 days up to the run's latest delivery; against the 7 days before."""
    if run_files.is_empty() or run_files["delivered_at"].max() is None:
        return Trend()
    end = run_files["delivered_at"].max() + dt.timedelta(seconds=1)
    start = end - dt.timedelta(days=7)
    previous = start - dt.timedelta(days=7)
    acc, ok = _week_rates(register, dq, start, end)
    acc_prev, ok_prev = _week_rates(register, dq, previous, start)
    return Trend((start.date(), end.date()), acc, acc_prev, ok, ok_prev)


def batch_number(register: pl.DataFrame, run_id: str) -> int | None:
    """1 for the first ingest run the register records, 2 for the next, ... (the whole
    city's register: every district counts the same batches)."""
    if register.is_empty() or "run_id" not in register.columns:
        return None
    runs = (
        register.group_by("run_id")
        .agg(pl.col("ingested_at").min())
        .sort("ingested_at", "run_id", nulls_last=True)["run_id"]
        .to_list()
    )
    return runs.index(run_id) + 1 if run_id in runs else None


def data_days(files: pl.DataFrame) -> tuple[dt.date, dt.date] | None:
    """The first and last data day of the files (not their delivery days)."""
    if files.is_empty() or "data_day_min" not in files.columns:
        return None
    first, last = files["data_day_min"].min(), files["data_day_max"].max()
    if first is None or last is None:
        return None
    return first, last


def build_district_report(
    district: str,
    run_id: str,
    register: pl.DataFrame,
    dq: pl.DataFrame,
    quarantine: pl.DataFrame,
) -> DistrictReport:
    """The report of ``district`` for ``run_id`` (frames: the whole register, dq_results and
    quarantine tables; only the district's rows are kept)."""
    number = batch_number(register, run_id)
    register = register.filter(pl.col("district_code") == district) if register.height else register
    dq = dq.filter(pl.col("district_code") == district) if dq.height else dq
    run_files = (
        register.filter(pl.col("run_id") == run_id).sort("delivered_at", "file")
        if register.height
        else pl.DataFrame(
            schema={
                "file": pl.String,
                "sha256": pl.String,
                "status": pl.String,
                "feed": pl.String,
                "rows_read": pl.Int64,
                "rows_accepted": pl.Int64,
                "rows_quarantined": pl.Int64,
                "delivered_at": pl.Datetime("us"),
            }
        )
    )
    run_dq = (
        dq.join(run_files.select("file", "sha256"), on=["file", "sha256"], how="semi")
        if dq.height
        else dq
    )
    rows = (
        quarantine.filter(pl.col("district_code") == district)
        .join(run_files.select("file", "sha256"), on=["file", "sha256"], how="semi")
        .sort("file", "row_number")
        if quarantine.height
        else pl.DataFrame()
    )
    for frame in (run_files, run_dq, rows):
        if frame.height:
            assert frame["district_code"].unique().to_list() == [district], "district leak"
    by_feed = (
        run_files.group_by("feed")
        .agg(
            pl.len().alias("files"),
            pl.col("rows_read").sum(),
            pl.col("rows_accepted").sum(),
            pl.col("rows_quarantined").sum(),
        )
        .with_columns(
            pl.col("feed")
            .replace_strict({k: f.zh for k, f in DISTRICT_FEEDS.items()}, default=pl.col("feed"))
            .alias("feed_zh")
        )
        .sort("feed")
        if run_files.height
        else pl.DataFrame()
    )
    return DistrictReport(
        district_code=district,
        district_name=DISTRICTS.get(district, district),
        run_id=run_id,
        files=run_files,
        checks=_pass_rates(run_dq),
        by_feed=by_feed,
        quarantine=rows,
        trend=_trend(register, dq, run_files),
        batch_number=number,
        data_days=data_days(run_files),
    )
