"""Dagster pieces of the district reports: an asset that sends (or writes to the outbox)
each district's data-quality report for the run, and a job.

Wire into pipelines/definitions.py: ASSETS, JOBS, RESOURCES.
"""

import dagster as dg
import polars as pl

from expectations.assets import DQ_RESULTS
from pipelines.lib import delta_io
from pipelines.operations import TRANSIENT_RETRY, raise_if_unsent
from pipelines.reports.contacts import contacts_path, write_sample_contacts
from pipelines.reports.district_reports import latest_run_id, send_district_reports
from pipelines.reports.smtp import SmtpConfig
from pipelines.resources import SkillWatchResource

GROUP = "reports"
QUARANTINE = dg.AssetKey(["bronze", "quarantine"])
DISTRICT_REPORTS = dg.AssetKey(["reports", "district_dq_emails"])


@dg.asset(
    key=DISTRICT_REPORTS,
    deps=[DQ_RESULTS, QUARANTINE],
    group_name=GROUP,
    kinds={"email", "delta"},
    description="Each district's data-quality report for the run (Chinese HTML + XLSX of "
    "its quarantined rows, masked), sent once per district and run; log in lake/report_log.",
    retry_policy=TRANSIENT_RETRY,  # an SMTP server down: the retry sends what is unsent
)
def district_dq_emails(context: dg.AssetExecutionContext, skillwatch: SkillWatchResource):
    settings = skillwatch.settings()
    path = contacts_path(settings)
    if not path.exists():
        # example.gov.cn is reserved for examples: a dev warehouse mails nobody real
        write_sample_contacts(path)
        context.log.warning(f"no contacts file at {path}: wrote a sample (example.gov.cn)")
    register = delta_io.read(settings.deliveries)
    run_id = context.run.run_id[:12]
    if register.is_empty() or register.filter(pl.col("run_id") == run_id).is_empty():
        run_id = latest_run_id(register)  # reporting on its own: the latest ingest run
    smtp = SmtpConfig.from_env()
    written = send_district_reports(settings, run_id=run_id, smtp=smtp)
    raise_if_unsent(written)
    by_status: dict[str, int] = {}
    for row in written:
        by_status[row["status"]] = by_status.get(row["status"], 0) + 1
    return dg.MaterializeResult(
        metadata={
            "run_reported": dg.MetadataValue.text(run_id or ""),
            "transport": dg.MetadataValue.text(
                f"smtp {smtp.host}:{smtp.port}" if smtp else "outbox"
            ),
            **{f"reports_{k}": dg.MetadataValue.int(v) for k, v in sorted(by_status.items())},
            "reports_written_now": dg.MetadataValue.int(len(written)),
        }
    )


reports_job = dg.define_asset_job(
    "send_district_reports", selection=dg.AssetSelection.assets(DISTRICT_REPORTS)
)

ASSETS = [district_dq_emails]
ASSET_CHECKS: list = []
JOBS = [reports_job]
RESOURCES: dict = {}
