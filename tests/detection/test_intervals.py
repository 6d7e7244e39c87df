"""Wilson intervals: the published reference values, the edges, and the refusals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.evaluation.intervals import rate_with_interval, wilson


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        # Newcombe (1998), Statistics in Medicine 17:857, table I (Wilson without correction)
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (29, 29, 0.8830, 1.0),
    ],
)
def test_matches_published_values(k, n, low, high):
    got = wilson(k, n)
    assert got == pytest.approx((low, high), abs=5e-4)


@given(st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_interval_holds_the_estimate_and_stays_in_zero_one(kn):
    k, n = kn
    low, high = wilson(k, n)
    assert 0.0 <= low <= k / n <= high <= 1.0
    assert (low == 0.0) == (k == 0) and (high == 1.0) == (k == n)


def test_more_cases_give_a_narrower_interval():
    few, many = wilson(4, 4), wilson(400, 400)
    assert few[0] < 0.6 < many[0] and many[1] - many[0] < few[1] - few[0]


def test_no_trials_no_interval_and_impossible_counts_refused():
    assert wilson(0, 0) is None
    assert rate_with_interval(0, 0) == "– (0/0)"
    with pytest.raises(ValueError):
        wilson(3, 2)


def test_rate_with_interval_reads_like_the_results_files():
    assert rate_with_interval(19, 20) == "0.950 [0.764–0.991] (19/20)"
