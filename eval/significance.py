"""Paired significance tests over per-question scores: Student's t and Fisher's randomization.

Both follow ranx (``ranx.compare``): the two-sided paired t-test of SciPy's ``ttest_rel``, and the
approximate randomization test of Smucker et al. (CIKM '07) that swaps each question's pair of
scores with probability ½ and counts the permutations whose mean difference is at least the
observed one (p = count / permutations). ``tests/test_compare.py`` checks both against figures ranx
printed on a fixture.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

#: ranx's default number of permutations is 1,000; more gives steadier p-values at little cost.
PERMUTATIONS = 10_000
SEED = 42


def paired_t(a: Sequence[float], b: Sequence[float]) -> float:
    """Two-sided p-value of the paired Student's t-test (1.0 when every difference is the same).

    >>> round(paired_t([0.1, 0.4, 0.5, 0.9], [0.2, 0.6, 0.5, 1.0]), 4)
    0.0917
    """
    from scipy.stats import ttest_rel

    diff = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    if len(diff) < 2 or np.allclose(diff, diff[0]):
        return 1.0 if len(diff) < 2 or diff[0] == 0 else 0.0
    p = float(ttest_rel(a, b, alternative="two-sided").pvalue)
    return 1.0 if math.isnan(p) else p


def fisher_randomization(
    a: Sequence[float], b: Sequence[float], permutations: int = PERMUTATIONS, seed: int = SEED
) -> float:
    """Two-sided p-value of the paired randomization test (sign flips of the differences).

    >>> fisher_randomization([1.0] * 20, [0.0] * 20)   # only flipping all 20 or none reaches the observed 1.0
    0.0
    >>> fisher_randomization([0.5, 0.5], [0.5, 0.5])
    1.0
    """
    diff = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    if len(diff) == 0:
        return 1.0
    observed = abs(diff.mean())
    rng = np.random.default_rng(seed)
    count = 0
    for start in range(0, permutations, 1000):  # in blocks: 1,000 × questions floats at a time
        size = min(1000, permutations - start)
        signs = rng.choice((-1.0, 1.0), size=(size, len(diff)))
        count += int(np.sum(np.abs(signs @ diff) / len(diff) >= observed - 1e-12))
    return count / permutations


def mean_interval(values: Sequence[float], level: float = 0.95) -> tuple[float, float] | None:
    """The Student-t confidence interval of the mean of per-question values; None below two questions.

    >>> mean_interval([1.0, 0.0, 1.0, 1.0]), mean_interval([0.5, 0.7, 0.9])
    ((0.0, 1.0), (0.2032, 1.0))
    >>> mean_interval([1.0]) is None
    True
    """
    from scipy.stats import t

    n = len(values)
    if n < 2:
        return None
    mean = float(np.mean(values))
    half = float(t.ppf(0.5 + level / 2, n - 1) * np.std(values, ddof=1) / math.sqrt(n))
    return round(max(0.0, mean - half), 4), round(min(1.0, mean + half), 4)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm–Bonferroni adjusted p-values of a family of tests (step-down; each at most 1).

    Comparing many runs on many metrics finds "significant" differences by chance; Holm's
    adjustment keeps the family-wise error at the level chosen, uniformly stronger than Bonferroni.

    >>> holm([0.01, 0.04, 0.03])
    [0.03, 0.06, 0.06]
    """
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    adjusted = [1.0] * len(p_values)
    running = 0.0
    for step, i in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - step) * p_values[i]))
        adjusted[i] = round(running, 10)
    return adjusted
