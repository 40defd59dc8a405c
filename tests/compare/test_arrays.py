"""Per-group quantiles and categorical tests."""

import numpy as np
import pandas as pd
import pytest

from boards.compare.arrays import group_quantiles, one_of


def test_group_quantiles_match_pandas():
    """Type-7 quantiles per group equal pandas' groupby quantile; empty groups are NaN."""
    rng = np.random.default_rng(11)
    values = rng.normal(size=500)
    values[::9] = np.nan
    groups = rng.integers(0, 6, 500)
    got = group_quantiles(values, groups, 7, (0.1, 0.25, 0.5, 0.9))
    expected = pd.Series(values).groupby(groups).quantile([0.1, 0.25, 0.5, 0.9]).unstack().T.to_numpy()
    assert got[:, :6] == pytest.approx(expected)
    assert np.isnan(got[:, 6]).all()


def test_one_of_reads_categorical_codes_and_text():
    """Categorical and text columns give the same answer; unknown names match nothing."""
    text = pd.Series(["worse", "similar", "worse", "better"])
    for column in (text, text.astype("category")):
        assert one_of(column, ("worse", "missing")).tolist() == [True, False, True, False]
