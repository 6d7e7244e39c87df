"""The shapes the warehouse publishes (interface standard, "What the warehouse publishes")."""

import polars as pl

ALERT_LEVELS = ("red", "orange", "yellow")
ALERT_SCOPES = ("class", "institution", "district", "city")
ALERT_PERIODS = ("day", "week", "month")
ALERT_STATUSES = ("new", "acknowledged", "resolved", "dismissed")

# the `alerts` table, column for column; every source of alerts (the W-rules, the
# e-learning anomalies) produces exactly this
ALERT_SCHEMA: dict[str, pl.DataType] = {
    "alert_id": pl.String,
    "rule_code": pl.String,
    "level": pl.String,
    "scope": pl.String,
    "district_code": pl.String,
    "institution_id": pl.String,
    "class_id": pl.String,
    "period": pl.String,
    "period_start": pl.Date,
    "first_seen_at": pl.Datetime("us"),
    "status": pl.String,
    "evidence": pl.String,
    "risk_score": pl.Float64,
}
