"""Which units a piece of text (a returned file's name) names, found through one index.

Built once per plan: a name is looked up by the substrings of the text that have the
length of some unit name, so the cost grows with the text and the number of different
name lengths, not with the number of units (10,000 units x 10,000 files was quadratic).
"""

from __future__ import annotations

from collections.abc import Sequence

from generator.model.plan import Unit


class UnitNames:
    """An index of units by name."""

    def __init__(self, units: Sequence[Unit], group_names: Sequence[str] = ()) -> None:
        self._by_name: dict[str, list[Unit]] = {}
        self._order: dict[int, int] = {}  # id(unit) -> its place in the plan
        for place, unit in enumerate(units):
            self._by_name.setdefault(unit.name, []).append(unit)
            self._order[id(unit)] = place
        self._lengths = sorted({len(name) for name in self._by_name if name})
        self._all_names = {*self._by_name, *group_names}  # units' and groups' names
        self._all_lengths = sorted({len(name) for name in self._all_names}, reverse=True)

    def opening(self, text: str) -> str:
        """The longest unit or group name ``text`` starts with ("" if none)."""
        return next((text[:n] for n in self._all_lengths if text[:n] in self._all_names), "")

    def named_in(self, text: str) -> list[Unit]:
        """The units whose name occurs in ``text``, in plan order, most specific only.

        A name inside another found name does not count on its own: 「局机关党总支」
        names that branch, not also 「局机关」.
        """
        found: dict[int, Unit] = {}
        for start in range(len(text)):
            for length in self._lengths:
                if start + length > len(text):
                    break
                for unit in self._by_name.get(text[start : start + length], ()):
                    found[id(unit)] = unit
        named = [
            unit
            for unit in found.values()
            if not any(unit.name in other.name and unit is not other for other in found.values())
        ]
        return sorted(named, key=lambda unit: self._order[id(unit)])
