"""NumPy helpers that keep the engine fast: per-group order statistics with one sort instead of
a pandas groupby per statistic, and tests of categorical columns by code instead of by text."""

from __future__ import annotations

import numpy as np
import pandas as pd


def one_of(column: pd.Series, names: tuple[str, ...]) -> np.ndarray:
    """Whether each value of ``column`` is one of ``names``; categoricals are compared by code."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = column.cat.categories
        wanted = [categories.get_loc(name) for name in names if name in categories]
        return np.isin(column.cat.codes.to_numpy(), wanted)
    return np.isin(column.to_numpy(dtype=object), names)


def group_quantiles(values: np.ndarray, groups: np.ndarray, size: int, quantiles: tuple[float, ...]) -> np.ndarray:
    """Quantiles of ``values`` within each group 0..size-1, NaN values ignored.

    Linear interpolation between order statistics (Hyndman and Fan's type 7, the default of
    NumPy, pandas and R). Returns an array of shape (len(quantiles), size); NaN for empty groups.
    """
    values = np.asarray(values, dtype=float)
    groups = np.asarray(groups)
    present = np.isfinite(values)
    kept_values, kept_groups = values[present], groups[present]
    # Sorted by value, then stably by group: the same order as np.lexsort((values, groups)) in two
    # thirds of the time, as NumPy radix-sorts 16-bit integers.
    order = np.argsort(kept_values, kind="stable")
    narrow = kept_groups[order].astype(np.int16 if size <= np.iinfo(np.int16).max else np.int64)
    order = order[np.argsort(narrow, kind="stable")]
    ordered = kept_values[order]
    counts = np.bincount(kept_groups, minlength=size)
    starts = np.cumsum(counts) - counts
    result = np.full((len(quantiles), size), np.nan)
    filled = counts > 0
    last = np.maximum(counts - 1, 0)
    for row, quantile in enumerate(quantiles):
        position = quantile * last
        below = np.floor(position).astype(np.int64)
        above = np.minimum(below + 1, last)
        low = ordered[np.where(filled, starts + below, 0)] if len(ordered) else np.zeros(size)
        high = ordered[np.where(filled, starts + above, 0)] if len(ordered) else np.zeros(size)
        result[row] = np.where(filled, low + (position - below) * (high - low), np.nan)
    return result


def group_sums(values: np.ndarray, groups: np.ndarray, size: int) -> np.ndarray:
    """Sum of the finite ``values`` in each group 0..size-1."""
    values = np.asarray(values, dtype=float)
    present = np.isfinite(values)
    return np.bincount(np.asarray(groups)[present], weights=values[present], minlength=size)


def group_counts(values: np.ndarray, groups: np.ndarray, size: int) -> np.ndarray:
    """Number of finite ``values`` in each group 0..size-1."""
    present = np.isfinite(np.asarray(values, dtype=float))
    return np.bincount(np.asarray(groups)[present], minlength=size)
