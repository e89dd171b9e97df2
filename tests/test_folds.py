"""Fold arithmetic exactly as documented: expanding, sliding, stride and refit modes."""

from __future__ import annotations

import pytest

from forecast_cli.errors import DataError, UsageError
from forecast_cli.folds import fit_groups, parse_refit, plan_folds, trained_at_own_first


def spans(plan):
    return [(f.train_start, f.origin, f.test_end) for f in plan]


def test_expanding_folds_cover_the_last_k_horizons():
    plan = plan_folds(20, horizon=3, folds=3)
    assert spans(plan) == [(0, 11, 14), (0, 14, 17), (0, 17, 20)]


def test_stride_between_origins():
    plan = plan_folds(20, horizon=3, folds=3, stride=1)
    assert spans(plan) == [(0, 15, 18), (0, 16, 19), (0, 17, 20)]


def test_sliding_folds_keep_a_fixed_training_length():
    plan = plan_folds(20, horizon=3, folds=3, window="sliding", train_size=5)
    assert spans(plan) == [(6, 11, 14), (9, 14, 17), (12, 17, 20)]


@pytest.mark.parametrize(
    "refit, fit_at", [("never", [0, 0, 0, 0, 0]), ("always", [0, 1, 2, 3, 4]), ("2", [0, 0, 2, 2, 4])]
)
def test_refit_policy_says_where_each_model_trains(refit, fit_at):
    plan = plan_folds(30, horizon=2, folds=5, refit=parse_refit(refit))
    assert [f.fit_at for f in plan] == fit_at
    groups = [(trained.index, [f.index for f in members]) for trained, members in fit_groups(plan)]
    assert sum(len(m) for _, m in groups) == 5
    assert all(trained <= min(members) for trained, members in groups)


def test_too_little_data_says_how_many_folds_fit():
    with pytest.raises(DataError, match="at most 2 folds fit"):
        plan_folds(20, horizon=5, folds=4, min_train=10)


def test_bad_refit_and_sliding_without_size_are_usage_errors():
    with pytest.raises(UsageError, match="--refit"):
        parse_refit("sometimes")
    with pytest.raises(UsageError, match="--train-size"):
        plan_folds(20, horizon=3, folds=2, window="sliding")


def test_a_train_size_without_a_sliding_window_is_refused_not_ignored():
    """bad input: backtest --train-size 60 without --window sliding -> exit 2, "add --window
    sliding"; it was ignored, the numbers those of a run without it"""
    with pytest.raises(
        UsageError, match="--train-size 60 sets a sliding window's rows; add --window sliding"
    ):
        plan_folds(144, horizon=12, folds=5, train_size=60)


def test_too_many_folds_name_the_stride_when_it_was_given():
    with pytest.raises(
        DataError, match=r"at most 2 folds fit \(lower --folds, --horizon, --origin-stride or"
    ):
        plan_folds(144, horizon=12, folds=3, stride=100, min_train=13)
    with pytest.raises(DataError, match=r"\(lower --folds, --horizon or --lookback\)"):
        plan_folds(30, horizon=12, folds=3, min_train=13)


def test_a_short_series_keeps_the_last_folds_it_fits_with_the_full_plans_indices():
    """20 rows, 4 folds of 3, 10 training rows needed: the full plan's origins are 8, 11,
    14, 17; the first leaves 8 rows, so the partial plan is folds 1-3, the same origins and
    refit groups as in a longer series' plan of 4 (fold k is the same place from the end)."""
    full = plan_folds(40, horizon=3, folds=4, min_train=10, refit=parse_refit("2"))
    plan = plan_folds(20, horizon=3, folds=4, min_train=10, refit=parse_refit("2"), partial=True)
    assert [f.index for f in plan] == [1, 2, 3]
    assert spans(plan) == [(0, 11, 14), (0, 14, 17), (0, 17, 20)]
    assert [f.fit_at for f in plan] == [f.fit_at for f in full[1:]] == [0, 2, 2]
    alone = trained_at_own_first(plan)  # trained on its own: nothing before fold 1 to train on
    assert [f.fit_at for f in alone] == [1, 2, 2]
    assert [(t.index, [f.index for f in m]) for t, m in fit_groups(alone)] == [(1, [1]), (2, [2, 3])]


def test_a_series_that_fits_no_fold_is_refused_even_when_partial():
    with pytest.raises(DataError, match="at most 0 folds fit"):
        plan_folds(12, horizon=3, folds=4, min_train=10, partial=True)
    assert len(plan_folds(13, horizon=3, folds=4, min_train=10, partial=True)) == 1


def test_too_many_sliding_folds_name_the_train_size_as_a_fix():
    """2 folds of 12 after a 130-row window need 154 rows of 144: the refusal named --lookback,
    which does not set a sliding window's rows; --train-size does."""
    with pytest.raises(DataError, match=r"at most 1 fold fits \(lower --folds, --horizon or --train-size\)"):
        plan_folds(144, 12, 2, window="sliding", train_size=130, min_train=37)
    with pytest.raises(DataError, match=r"at most 10 folds fit \(lower --folds, --horizon or --lookback\)"):
        plan_folds(144, 12, 20, min_train=13)
