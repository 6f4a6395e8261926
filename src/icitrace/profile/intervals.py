"""Intervals of numbers, the one arithmetic of ranges: a known value (a number, a band), the values a
cut-off test allows, a field's own range, and the bound CPS >= TPS puts on the other field.

The operators (``rulebase.operators``) test a value against the interval they allow, the lint narrows
the intervals a rule's conditions allow, the profile model refuses a CPS wholly below its TPS, and the
three-valued reading bounds an unknown field: all with these few operations, so an open or closed end
reads the same everywhere (an ``at_most`` test's closed top as much as ``below``'s open one).
"""

from __future__ import annotations

import math
from typing import NamedTuple


class Interval(NamedTuple):
    """The numbers from ``low`` to ``high``; an end is included unless it is open."""

    low: float = -math.inf
    high: float = math.inf
    high_open: bool = False
    low_open: bool = False

    @classmethod
    def at(cls, value: float) -> Interval:
        """A number is its own interval."""
        return cls(value, value)

    @property
    def empty(self) -> bool:
        return self.low > self.high or (self.low == self.high and (self.low_open or self.high_open))

    def meet(self, other: Interval) -> Interval:
        """The values both allow (at a shared end, an open end wins)."""
        low, low_open = max((self.low, self.low_open), (other.low, other.low_open))
        high, not_open = min((self.high, not self.high_open), (other.high, not other.high_open))
        return Interval(low, high, not not_open, low_open)

    def within(self, other: Interval) -> bool:
        """Whether every value of this interval is one ``other`` allows."""
        low_in = self.low > other.low or (self.low == other.low and (self.low_open or not other.low_open))
        high_in = self.high < other.high or (self.high == other.high and (self.high_open or not other.high_open))
        return low_in and high_in

    def disjoint(self, other: Interval) -> bool:
        """Whether no value is in both."""
        return self.meet(other).empty

    def below(self, other: Interval) -> bool:
        """Whether every value of this interval is below every value of ``other``."""
        return self.high < other.low or (self.high == other.low and (self.high_open or other.low_open))

    def decide(self, allowed: Interval) -> bool | None:
        """True when every value lies in ``allowed``, False when none does, None when it straddles an end."""
        return True if self.within(allowed) else False if self.disjoint(allowed) else None
