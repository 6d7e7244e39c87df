"""Risk models: an isolation forest over one-sided standardised features (always), and a
calibrated logistic model trained on inspection outcomes (once there are enough of both).

Scores are 0-100:
- unsupervised: the share of entities the forest finds less anomalous (a percentile: 95
  means "in the top 5% to look at"). The spec asks where to look *first*, which is a rank;
  the forest's raw anomaly value is kept beside it.
- supervised: 100 x the calibrated probability of failing an inspection.
Everything random is seeded from ``RiskParams.seed``: same data and seed, same scores.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from dataclasses import asdict, dataclass, field, replace

import joblib
import numpy as np
import polars as pl
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import IsolationForest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from pipelines.risk import reasons as rs
from pipelines.risk.catalogue import FEATURES, UNSUPERVISED


@dataclass(frozen=True)
class RiskParams:
    """Hyper-parameters (the Dagster RiskConfig mirrors these, with descriptions)."""

    seed: int = 20260901
    n_estimators: int = 300
    max_samples: int = 256
    z_cap: float = 8.0  # one-sided deviations above this are "extreme" alike
    exclude_features: tuple[str, ...] = ()
    # supervised: at least this many labelled entities, with this many of each outcome
    min_labels: int = 20
    min_per_outcome: int = 4
    logistic_c: float = 0.05
    calibration_folds: int = 3
    reasons_k: int = 3
    # the supervised score is published only when its out-of-fold AUC on the inspection
    # outcomes beats the unsupervised score's AUC on the same outcomes by this much
    promote_min_gain: float = 0.0


class OneSidedScaler:
    """Robust z towards risk: (x - median) / (IQR / 1.349) in the risky direction, clipped
    to [0, cap]. Missing values become the median (z = 0: no evidence is not evidence)."""

    def __init__(self, signs: np.ndarray, cap: float):
        self.signs = signs
        self.cap = cap

    def fit(self, x: np.ndarray) -> OneSidedScaler:
        self.center_ = np.nanmedian(x, axis=0)
        q75, q25 = np.nanpercentile(x, [75, 25], axis=0)
        scale = (q75 - q25) / 1.349
        # mostly-zero features (a rule that rarely fires) have no IQR: fall back to the SD,
        # so a rare non-zero value stands out as it should
        std = np.nanstd(x, axis=0)
        scale = np.where(scale > 1e-9, scale, np.where(std > 1e-9, std, 1.0))
        self.scale_ = scale
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        filled = np.where(np.isnan(x), self.center_, x)
        z = self.signs * (filled - self.center_) / self.scale_
        return np.clip(z, 0.0, self.cap)


@dataclass
class Fitted:
    """One entity's scoring run: scores with reasons, and the model record for the lake."""

    entity: str  # class | institution
    scores: pl.DataFrame
    record: dict
    artifact: bytes  # joblib of the fitted estimators
    metrics: dict = field(default_factory=dict)


def usable_features(frame: pl.DataFrame, params: RiskParams) -> list[str]:
    """Catalogue features present, not excluded, with at least two distinct known values
    (a constant column carries no information and only adds noise to the forest)."""
    names = []
    for name in FEATURES:
        if name not in frame.columns or name in params.exclude_features:
            continue
        col = frame[name].drop_nulls()
        if col.n_unique() >= 2:
            names.append(name)
    return names


def _percentile(raw: np.ndarray) -> np.ndarray:
    """0-100: the share of the others strictly less anomalous (ties share the lower rank, so
    a crowd of identical ordinary classes sits at the bottom, not in the middle)."""
    n = len(raw)
    if n < 2:
        return np.full(n, 50.0)
    below = np.searchsorted(np.sort(raw), raw, side="left")
    return np.round(100.0 * below / (n - 1), 2)


def _fingerprint(*arrays: np.ndarray) -> str:
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


def _version(entity: str, kind: str, names: list[str], params: RiskParams, data: str) -> str:
    """Content-addressed: the same features, parameters and data give the same version, so
    a re-run overwrites its own rows instead of adding a 'new' model."""
    blob = json.dumps([entity, kind, names, asdict(params), data], sort_keys=True, default=str)
    return f"{entity}-{kind}-{hashlib.sha256(blob.encode()).hexdigest()[:12]}"


def _dump(obj) -> bytes:
    buf = io.BytesIO()
    joblib.dump(obj, buf)
    return buf.getvalue()


def fit_unsupervised(
    frame: pl.DataFrame, key: str, entity: str, params: RiskParams
) -> tuple[Fitted, np.ndarray, list[str]]:
    """Isolation forest over the one-sided z; returns the run, the z matrix and names."""
    names = usable_features(frame, params)
    x = frame.select(names).to_numpy().astype(float) if names else np.zeros((frame.height, 0))
    signs = np.array([1.0 if FEATURES[n].higher_is_risky else -1.0 for n in names])
    scaler = OneSidedScaler(signs, params.z_cap).fit(x) if names else None
    z = scaler.transform(x) if scaler else x
    if names and frame.height >= 2:
        forest = IsolationForest(
            n_estimators=params.n_estimators,
            max_samples=min(params.max_samples, frame.height),
            random_state=params.seed,
        ).fit(z)
        raw = -forest.score_samples(z)  # the paper's anomaly score s in (0, 1]
    else:
        forest, raw = None, np.zeros(frame.height)
    score = _percentile(raw)
    why = rs.top_reasons(names, x, z, k=params.reasons_k)
    version = _version(entity, "isolation_forest", names, params, _fingerprint(z))
    scores = frame.select(key, "district_code").with_columns(
        pl.Series("score", score),
        pl.Series("unsupervised_score", score),
        pl.Series("anomaly", np.round(raw, 6)),
        pl.lit(None, pl.Float64).alias("failure_probability"),
        *rs.as_columns(why),
        pl.lit("isolation_forest").alias("model_kind"),
        pl.lit(version).alias("model_version"),
    )
    record = _record(version, entity, "isolation_forest", names, params, frame.height)
    record["metrics"] = {
        "rows": frame.height,
        "features_used": len(names),
        "anomaly_mean": float(np.mean(raw)) if len(raw) else None,
        "share_with_reasons": float(np.mean([bool(r) for r in why])) if why else 0.0,
    }
    fitted = Fitted(entity, scores, record, _dump({"scaler": scaler, "forest": forest}))
    fitted.metrics = record["metrics"]
    return fitted, z, names


def _record(version, entity, kind, names, params, n) -> dict:
    return {
        "version": version,
        "entity": entity,
        "kind": kind,
        "features": names,
        "params": asdict(params),
        "rows": n,
        "trained_at": dt.datetime.now().replace(microsecond=0),
    }


def labels(frame: pl.DataFrame, inspections: pl.DataFrame, key: str) -> pl.DataFrame:
    """One label per inspected entity: 1 when any inspection of it failed."""
    got = inspections.filter(pl.col(key).is_not_null() & pl.col("is_failed").is_not_null())
    got = got.group_by(key).agg(pl.col("is_failed").any().cast(pl.Int8).alias("label"))
    return frame.select(key).join(got, on=key, how="inner")


def enough_labels(y: np.ndarray, params: RiskParams) -> bool:
    pos = int(y.sum())
    return len(y) >= params.min_labels and min(pos, len(y) - pos) >= params.min_per_outcome


def fit_supervised(
    frame: pl.DataFrame,
    key: str,
    entity: str,
    unsup: Fitted,
    z: np.ndarray,
    names: list[str],
    label_frame: pl.DataFrame,
    params: RiskParams,
) -> Fitted | None:
    """Calibrated logistic regression on inspection outcomes; None when labels are too few.

    Inputs: the one-sided z of every feature that does not come from inspections (those
    would leak the label) plus the unsupervised score / 100. Its metrics are out-of-fold
    (cross_val_predict), never on the rows the model was fitted on.
    """
    cols = [i for i, n in enumerate(names) if not FEATURES[n].from_inspections]
    sup_names = [names[i] for i in cols] + [UNSUPERVISED]
    u = _unsupervised_without_labels(frame, key, entity, names, params)
    x_all = np.column_stack([z[:, cols], u])
    index = {k: i for i, k in enumerate(frame[key].to_list())}
    rows = np.array([index[k] for k in label_frame[key].to_list()], dtype=int)
    y = label_frame["label"].to_numpy().astype(int)
    if not enough_labels(y, params):
        return None
    x = x_all[rows]
    folds = min(params.calibration_folds, int(y.sum()), int(len(y) - y.sum()))

    def make() -> CalibratedClassifierCV:
        # standardised inputs, strong L2: a few dozen labels against ~20 inputs. Without the
        # scaler the z columns (0-8) swamped the unsupervised score (0-1) and the small
        # city's out-of-fold AUC fell under 0.5 (fitting noise in 5%/50% inspection outcomes)
        base = make_pipeline(
            StandardScaler(),
            LogisticRegression(C=params.logistic_c, class_weight="balanced", max_iter=2000),
        )
        cv = StratifiedKFold(folds, shuffle=True, random_state=params.seed)
        return CalibratedClassifierCV(base, method="sigmoid", cv=cv, ensemble=False)

    outer = StratifiedKFold(folds, shuffle=True, random_state=params.seed + 1)
    oof = cross_val_predict(make(), x, y, cv=outer, method="predict_proba")[:, 1]
    model = make().fit(x, y)
    prob = model.predict_proba(x_all)[:, 1]
    fitted_pipe = model.calibrated_classifiers_[0].estimator
    sd = fitted_pipe[0].scale_
    coef = fitted_pipe[-1].coef_[0] / sd  # per unit of z (and of u), not per SD
    # sklearn's sigmoid calibration is expit(-(a*f + b)): a >= 0 means it does not increase
    # with the model's own score, i.e. the out-of-fold evidence contradicts the model
    slope = float(model.calibrated_classifiers_[0].calibrators[0].a_)
    unsup_auc = float(roc_auc_score(y, u[rows]))
    metrics = {
        "labelled": len(y),
        "failed": int(y.sum()),
        "oof_roc_auc": float(roc_auc_score(y, oof)),
        "oof_brier": float(brier_score_loss(y, oof)),
        "unsupervised_auc_on_labels": unsup_auc,
        "calibration_increasing": slope < 0,
        "coefficients": {n: round(float(c), 4) for n, c in zip(sup_names, coef, strict=True)},
    }
    contrib = _contributions(z[:, cols], u, coef)
    values = frame.select([names[i] for i in cols]).to_numpy().astype(float)
    why = rs.top_reasons([names[i] for i in cols], values, contrib, k=params.reasons_k)
    version = _version(entity, "calibrated_logistic", sup_names, params, _fingerprint(x, y))
    score = np.round(100.0 * prob, 2)
    scores = unsup.scores.select(
        key, "district_code", "unsupervised_score", "anomaly"
    ).with_columns(
        pl.Series("score", score),
        pl.Series("failure_probability", np.round(prob, 6)),
        *rs.as_columns(why),
        pl.lit("calibrated_logistic").alias("model_kind"),
        pl.lit(version).alias("model_version"),
    )
    scores = scores.select(unsup.scores.columns)
    record = _record(version, entity, "calibrated_logistic", sup_names, params, len(y))
    record["metrics"] = metrics
    fitted = Fitted(entity, scores, record, _dump({"model": model, "features": sup_names}))
    fitted.metrics = metrics
    return fitted


def _unsupervised_without_labels(
    frame: pl.DataFrame, key: str, entity: str, names: list[str], params: RiskParams
) -> np.ndarray:
    """The forest again without inspection-history features (0-1): the published
    unsupervised score counts past failed inspections, which would leak the label."""
    leaky = tuple(n for n in names if FEATURES[n].from_inspections)
    if not leaky:
        return fit_unsupervised(frame, key, entity, params)[0].scores["score"].to_numpy() / 100
    clean = replace(params, exclude_features=(*params.exclude_features, *leaky))
    return fit_unsupervised(frame, key, entity, clean)[0].scores["score"].to_numpy() / 100


def _contributions(z: np.ndarray, u: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """coef x z per feature, with the unsupervised term's share spread back over the
    features in proportion to their deviation (what made the forest flag the row)."""
    direct = z * coef[:-1]
    total = z.sum(axis=1, keepdims=True)
    share = np.divide(z, total, out=np.zeros_like(z), where=total > 0)
    return direct + share * (coef[-1] * u)[:, None]


def score(
    frame: pl.DataFrame,
    key: str,
    entity: str,
    params: RiskParams,
    inspections: pl.DataFrame | None = None,
) -> tuple[Fitted, Fitted | None]:
    """The unsupervised run, and the supervised one when inspection outcomes allow."""
    unsup, z, names = fit_unsupervised(frame, key, entity, params)
    sup = None
    if inspections is not None and not inspections.is_empty():
        lab = labels(frame, inspections, key)
        sup = fit_supervised(frame, key, entity, unsup, z, names, lab, params)
    return unsup, sup


def published(unsup: Fitted, sup: Fitted | None, params: RiskParams) -> Fitted:
    """The run whose score is published: the supervised one once it has earned it."""
    if sup is None:
        return unsup
    m = sup.metrics
    earned = m["oof_roc_auc"] >= m["unsupervised_auc_on_labels"] + params.promote_min_gain
    sup.metrics["promoted"] = bool(earned and m["calibration_increasing"])
    sup.record["metrics"] = sup.metrics
    return sup if sup.metrics["promoted"] else unsup
