"""Robust z-scores for indicators with no denominator to build a funnel on.

Caseloads, months since inspection, counts and grades have no binomial or Poisson model, so
an area is measured against the other areas: ``z = (x - median) / (1.4826 MAD)``, the modified
z-score of Iglewicz and Hoaglin ("How to detect and handle outliers", ASQC 1993). 1.4826 makes
the median absolute deviation (MAD) estimate the standard deviation of a normal distribution,
so z is in robust standard deviations. The engine flags beyond 2 and 3 of them and names them
so: only for normally distributed figures would they leave about 4.6% and 0.27% of areas
outside, and the real figures are skewed. Median and MAD are not pulled by the outliers they
look for.

When more than half the areas share one value the MAD is 0; the scale then falls back to
``1.2533 x`` the mean absolute deviation from the median (1.2533 = sqrt(pi/2), the ratio of
the standard deviation to the mean absolute deviation of a normal distribution), as IBM SPSS
does for the modified z-score. When that is 0 too, every area has the median value and z is 0.
"""

from __future__ import annotations

import numpy as np

from boards.compare.arrays import group_counts, group_quantiles, group_sums

MAD_TO_SD = 1.4826
MEAN_AD_TO_SD = float(np.sqrt(np.pi / 2))


def robust_z(values: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(z, median of the group) for each value within its group (0..n-1); NaN values stay NaN."""
    values = np.asarray(values, dtype=float)
    groups = np.asarray(groups)
    size = int(groups.max(initial=-1)) + 1
    median = group_quantiles(values, groups, size, (0.5,))[0][groups]
    deviation = np.abs(values - median)
    mad = group_quantiles(deviation, groups, size, (0.5,))[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_deviation = group_sums(deviation, groups, size) / group_counts(deviation, groups, size)
    scale = np.where(mad > 0, MAD_TO_SD * mad, MEAN_AD_TO_SD * mean_deviation)[groups]
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(scale > 0, (values - median) / scale, 0.0)
    return np.where(np.isfinite(values), z, np.nan), median
