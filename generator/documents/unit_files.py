"""Where a unit's issued files go, and which units get them (those with duties)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePath

from generator.model.plan import Unit
from generator.model.resolved import Duty, Plan
from generator.write.names import safe_filename


def unit_folder(unit: Unit) -> PurePath:
    """各单位/<编号>-<单位>/, relative to the kind's folder 各单位."""
    return PurePath(safe_filename(f"{unit.id}-{unit.name}"))


def issued_units(plan: Plan, only: Unit | None = None) -> Iterator[tuple[Unit, list[Duty]]]:
    """Every unit with duties (or just ``only``), with them; a unit without any gets no files."""
    for unit in [only] if only is not None else plan.organisation.units:
        duties = plan.duties(unit)
        if duties:
            yield unit, duties
