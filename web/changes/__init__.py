"""What changed between two notices, or two versions of a regulation (docs/compare.md).

:func:`compare` aligns the items (:mod:`web.changes.align`) and marks each one
(:mod:`web.changes.status`); :func:`write_comparison_xlsx` prints it; :func:`earlier_notices`
finds the notices a new one may be compared with.
"""

from web.changes.compare import Comparison, Side, compare
from web.changes.sheet import write_comparison_xlsx
from web.changes.status import CHANGES, STATUSES, Change, Segment

__all__ = ["CHANGES", "STATUSES", "Change", "Comparison", "Segment", "Side", "compare", "write_comparison_xlsx"]
