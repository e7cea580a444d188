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
