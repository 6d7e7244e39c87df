"""Custom GX expectations for the standard's identity and parsing rules.

The rules themselves live in ``pipelines.contract.legality`` (python-stdnum, phonenumbers)
and ``pipelines.district_feeds.conform`` (the standard's date/number/bool forms); these
classes only make them GX expectations. Identity rules run once per distinct value: a
1 M-row attendance delivery holds ~20-50 k distinct ID numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import pandas as pd
import polars as pl
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

from expectations.reference_sets import reference_values
from pipelines.contract import T
from pipelines.contract.legality import (
    is_plausible_address,
    is_valid_id_number,
    is_valid_mobile,
    is_valid_uscc,
)
from pipelines.district_feeds.conform import parse_bool, parse_date, parse_int, parse_ts

# the very parsers ingest uses, so GX and the quarantine agree on what parses
PARSERS_BY_TYPE: dict[T, Callable[[pl.Expr], pl.Expr]] = {
    T.DATE: parse_date,
    T.TS: parse_ts,
    T.INT: parse_int,
    T.DEC: lambda s: s.cast(pl.Float64, strict=False),
    T.BOOL: parse_bool,
}


def _per_distinct(column: pd.Series, rule: Callable[[str], bool]) -> pd.Series:
    """Apply ``rule`` once per distinct non-null value; GX skips nulls itself."""
    verdicts = {value: rule(value) for value in column.dropna().unique()}
    return column.map(verdicts).fillna(True).astype(bool)


class ColumnValuesCnIdNumber(ColumnMapMetricProvider):
    condition_metric_name = "column_values.cn_id_number"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, **kwargs):
        return _per_distinct(column.astype(str), is_valid_id_number)


class ColumnValuesCnUscc(ColumnMapMetricProvider):
    condition_metric_name = "column_values.cn_uscc"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, **kwargs):
        return _per_distinct(column.astype(str), is_valid_uscc)


class ColumnValuesCnMobile(ColumnMapMetricProvider):
    condition_metric_name = "column_values.cn_mobile"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, **kwargs):
        return _per_distinct(column.astype(str), is_valid_mobile)


class ColumnValuesCnAddress(ColumnMapMetricProvider):
    condition_metric_name = "column_values.cn_address"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, **kwargs):
        return _per_distinct(column.astype(str), is_plausible_address)


class ColumnValuesParseAsContractType(ColumnMapMetricProvider):
    condition_metric_name = "column_values.parse_as_contract_type"
    condition_value_keys = ("contract_type",)

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, contract_type, **kwargs):
        parse = PARSERS_BY_TYPE[T(contract_type)]
        text = pl.Series("v", column.astype(str).to_numpy(), dtype=pl.String)
        parsed = pl.select(parse(pl.lit(text).str.strip_chars())).to_series()
        return pd.Series(parsed.is_not_null().to_numpy(), index=column.index)


class ExpectColumnValuesToBeValidCnIdNumber(ColumnMapExpectation):
    """Resident identity numbers (GB 11643): 18 characters, a real birth date, check digit."""

    map_metric: ClassVar[str] = "column_values.cn_id_number"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly",)


class ExpectColumnValuesToBeValidCnUscc(ColumnMapExpectation):
    """Unified social credit codes (GB 32100): 18 characters with a valid check character."""

    map_metric: ClassVar[str] = "column_values.cn_uscc"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly",)


class ExpectColumnValuesToBeValidCnMobile(ColumnMapExpectation):
    """Mainland mobile numbers, judged by libphonenumber's maintained metadata."""

    map_metric: ClassVar[str] = "column_values.cn_mobile"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly",)


class ExpectColumnValuesToBeCompleteCnAddress(ColumnMapExpectation):
    """Street addresses that go below the district (a road, lane, village or number)."""

    map_metric: ClassVar[str] = "column_values.cn_address"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly",)


class ExpectColumnValuesToParseAsContractType(ColumnMapExpectation):
    """Delivered text parses as the standard's type (date, ts, int, dec or bool)."""

    contract_type: str
    map_metric: ClassVar[str] = "column_values.parse_as_contract_type"
    success_keys: ClassVar[tuple[str, ...]] = ("contract_type", "mostly")


class ColumnValuesExistInReference(ColumnMapMetricProvider):
    condition_metric_name = "column_values.exist_in_reference"
    condition_value_keys = ("reference",)

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, reference, **kwargs):
        return column.isin(reference_values(reference))


class ExpectColumnValuesToExistInReference(ColumnMapExpectation):
    """Values (``district|key``) exist among the same district's accepted rows of another
    feed. The key sets come from bronze at validation time (``expectations.reference_sets``)
    rather than from the suite: suites stay static per feed, and Data Docs do not list the
    hundreds of thousands of keys a district holds."""

    reference: str
    map_metric: ClassVar[str] = "column_values.exist_in_reference"
    success_keys: ClassVar[tuple[str, ...]] = ("reference", "mostly")
