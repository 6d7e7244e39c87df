"""Dagster assets of the risk score and the spot checks: thin wrappers around ``run``.

Wire into pipelines/definitions.py: ``ASSETS``, ``JOBS``, ``SCHEDULES`` (the resource is the
common ``skillwatch``). The score reads the marts of dbt's build DB (read-only ATTACH, copied
out and closed at once, like the publisher) and comes before the publication of the auditor
file, which carries its scores (pipelines/risk/published.py); the spot-check draw reads the
file once published.
No ``from __future__ import annotations``: Dagster resolves config classes at runtime.
"""

import dataclasses
import datetime as dt
import json

import dagster as dg
from pydantic import Field

from pipelines.resources import SkillWatchResource
from pipelines.risk import run
from pipelines.risk.model import RiskParams
from pipelines.risk.spotcheck import SpotcheckParams, current_week
from pipelines.warehouse.project import build_db_path

GROUP = "risk"
SCORES_KEY = dg.AssetKey(["risk", "scores"])
DRAW_KEY = dg.AssetKey(["risk", "spotcheck_draw"])
OUTCOMES_KEY = dg.AssetKey(["risk", "spotcheck_outcomes"])
# the marts the features read, the publisher, the camera silver tables (used when present)
_MARTS = ("dim_class", "dim_institution", "dim_teacher", "fct_sessions", "fct_attendance",
          "fct_enrolments", "fct_claims", "fct_person_overlaps", "fct_inspections",
          "fct_deliveries", "fct_elearning_compliance")  # fmt: skip
# the alerts mart too: its counts are features (its risk_score is filled at publication)
AUDITOR_KEY = dg.AssetKey(["warehouse", "auditor_duckdb"])
UPSTREAM = [dg.AssetKey(["warehouse", m]) for m in (*_MARTS, "alerts")] + [
    dg.AssetKey(["silver", "session_coverage"]),
    dg.AssetKey(["silver", "photo_reuse"]),
]
_D = RiskParams()
_S = SpotcheckParams()


class RiskConfig(dg.Config):
    """Hyper-parameters of the risk models (defaults: pipelines/risk/model.py)."""

    seed: int = Field(_D.seed, description="random seed of the forest and the CV folds")
    n_estimators: int = Field(_D.n_estimators, description="isolation forest: number of trees")
    max_samples: int = Field(_D.max_samples, description="isolation forest: rows per tree")
    z_cap: float = Field(_D.z_cap, description="one-sided robust z clipped at this value")
    exclude_features: list[str] = Field(
        [], description="catalogue features to leave out (pipelines/risk/catalogue.py)"
    )
    min_labels: int = Field(_D.min_labels, description="supervised: minimum inspected entities")
    min_per_outcome: int = Field(
        _D.min_per_outcome, description="supervised: minimum of each outcome (合格/不合格)"
    )
    logistic_c: float = Field(_D.logistic_c, description="supervised: inverse L2 strength")
    calibration_folds: int = Field(_D.calibration_folds, description="sigmoid calibration folds")
    reasons_k: int = Field(_D.reasons_k, description="reasons given per score")
    promote_min_gain: float = Field(
        _D.promote_min_gain,
        description="publish the supervised score when its out-of-fold AUC beats the "
        "unsupervised AUC on the same inspections by at least this",
    )

    def params(self) -> RiskParams:
        values = self.model_dump()
        values["exclude_features"] = tuple(values["exclude_features"])
        return RiskParams(**values)


class SpotcheckConfig(dg.Config):
    """The weekly draw (defaults: pipelines/risk/spotcheck.py)."""

    week: str = Field("", description="ISO week 2026-W40; empty: the current week (Shanghai)")
    seed: int = Field(-1, description="-1: the week's recorded seed, else a fresh one")
    classes: int = Field(_S.classes, description="classes drawn city-wide")
    min_per_district: int = Field(_S.min_per_district, description="minimum per district")
    random_share: float = Field(_S.random_share, description="share of uniformly drawn slots")
    risk_exponent: float = Field(_S.risk_exponent, description="weight = (score/100)^this")
    weight_floor: float = Field(_S.weight_floor, description="added to every risk weight")
    records_per_class: int = Field(_S.records_per_class, description="check-ins per class")

    def params(self) -> SpotcheckParams:
        names = {f.name for f in dataclasses.fields(SpotcheckParams)}
        return SpotcheckParams(**{k: v for k, v in self.model_dump().items() if k in names})


def _md(x) -> dg.MetadataValue:
    return dg.MetadataValue.json(json.loads(json.dumps(x, default=str)))


@dg.asset(
    key=SCORES_KEY,
    deps=UPSTREAM,
    group_name=GROUP,
    kinds={"scikitlearn", "delta"},
    description="风险评分 0-100 per class and institution with top-3 reasons in Chinese; "
    "isolation forest, or the calibrated logistic model once inspections teach it.",
)
def risk_scores(
    context: dg.AssetExecutionContext, config: RiskConfig, skillwatch: SkillWatchResource
):
    settings = skillwatch.settings()
    # this build's marts: the auditor file is published after the scoring, not before
    inputs = run.load(settings, build_db_path(settings))
    scoring = run.score_all(inputs, config.params())
    summary = run.save(settings, scoring)
    meta = {}
    for entity, s in summary.items():
        meta[f"{entity}_model_version"] = dg.MetadataValue.text(s["published_version"])
        meta[f"{entity}_model_kind"] = dg.MetadataValue.text(s["published_kind"])
        meta[f"{entity}_rows"] = dg.MetadataValue.int(s["rows"])
        meta[f"{entity}_features"] = _md(s["unsupervised"]["features"])
        meta[f"{entity}_unsupervised_metrics"] = _md(s["unsupervised"]["metrics"])
        if s["supervised"]:
            meta[f"{entity}_supervised_metrics"] = _md(s["supervised"]["metrics"])
    meta["params"] = _md(dataclasses.asdict(config.params()))
    meta["inputs"] = _md(inputs.sources)
    top = scoring.published("class").scores.sort("score", descending=True).head(10)
    meta["top_classes"] = dg.MetadataValue.md(
        top.select("class_key", "score", "reasons_zh").to_pandas().to_markdown(index=False)
    )
    return dg.MaterializeResult(metadata=meta)


@dg.asset(
    key=DRAW_KEY,
    deps=[SCORES_KEY, AUDITOR_KEY],
    group_name=GROUP,
    kinds={"delta", "excel"},
    description="验证抽查 weekly draw: stratified by district, risk-weighted with a random "
    "share, seed recorded; XLSX for inspectors under <warehouse>/reports/spotcheck/.",
)
def spotcheck_draw(
    context: dg.AssetExecutionContext, config: SpotcheckConfig, skillwatch: SkillWatchResource
):
    settings = skillwatch.settings()
    week = config.week or current_week(dt.datetime.now(run.SHANGHAI).date())
    seed = None if config.seed < 0 else config.seed
    drawn, path = run.run_spotcheck(settings, week, config.params(), seed=seed)
    by = drawn.items.group_by("drawn_by").len() if drawn.items.height else None
    return dg.MaterializeResult(
        metadata={
            "week": dg.MetadataValue.text(week),
            "seed": dg.MetadataValue.text(str(drawn.seed)),
            "candidates": dg.MetadataValue.int(drawn.candidates),
            "classes": dg.MetadataValue.int(drawn.items.height),
            "records": dg.MetadataValue.int(drawn.records.height),
            "drawn_by": _md(dict(by.iter_rows()) if by is not None else {}),
            "params": _md(drawn.params),
            "xlsx": dg.MetadataValue.path(str(path)),
        }
    )


@dg.asset(
    key=OUTCOMES_KEY,
    deps=[DRAW_KEY, dg.AssetKey(["warehouse", "fct_inspections"])],
    group_name=GROUP,
    kinds={"delta"},
    description="Drawn classes joined to the inspection results that came back "
    "(failure rate of risk-weighted vs random slots).",
)
def spotcheck_outcomes(skillwatch: SkillWatchResource):
    settings = skillwatch.settings()
    result = run.run_outcomes(settings, run.load(settings))
    return dg.MaterializeResult(metadata={"summary": _md(run.outcome_summary(result))})


# the publication too, so the auditor file carries the scores of this run
risk_job = dg.define_asset_job(
    "risk_scores",
    selection=dg.AssetSelection.assets(risk_scores) | dg.AssetSelection.assets(AUDITOR_KEY),
)
spotcheck_job = dg.define_asset_job(
    "spotcheck", selection=dg.AssetSelection.assets(spotcheck_draw, spotcheck_outcomes)
)
# Mondays 06:00 Shanghai: after the nightly warehouse build (04:30), before inspectors start
spotcheck_weekly_schedule = dg.ScheduleDefinition(
    job=spotcheck_job, cron_schedule="0 6 * * 1", execution_timezone="Asia/Shanghai"
)
# daily, after the warehouse build, so the weekly draw uses fresh scores
risk_daily_schedule = dg.ScheduleDefinition(
    job=risk_job, cron_schedule="15 5 * * *", execution_timezone="Asia/Shanghai"
)

# the evaluation against the simulator's truth is not here: benchmarks/eval_risk.py
ASSETS = [risk_scores, spotcheck_draw, spotcheck_outcomes]
JOBS = [risk_job, spotcheck_job]
SCHEDULES = [risk_daily_schedule, spotcheck_weekly_schedule]
