"""The plan as one resolved whole (方案): units, groups, tasks and targets linked up.

Built only from models that passed :mod:`generator.model.checks`, so every
reference here resolves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from generator.model.awards import Awards
from generator.model.deadlines import parse_deadline
from generator.model.ledger import target_numbers
from generator.model.plan import (
    Group,
    Item,
    Ledger,
    Measure,
    Organisation,
    PlanText,
    Target,
    Unit,
)
from generator.model.short_names import propose_short_names
from generator.model.unit_names import UnitNames

UNIT_PLAN_DELAY = dt.timedelta(days=7)  # units write their 实施方案 after the bureau's plan
Role = Literal["lead", "cooperating"]
ROLE_NAMES: dict[Role, str] = {"lead": "牵头", "cooperating": "配合"}


@dataclass(frozen=True)
class Task:
    """A task (任务) in its place in the outline: its item and the items above it."""

    item: Item
    ancestors: tuple[Item, ...]

    @property
    def category(self) -> Item:
        """The level-2 item the task sits under (the task itself when it is level 2)."""
        return self.ancestors[1] if len(self.ancestors) > 1 else self.item


@dataclass(frozen=True)
class Duty:
    """What one unit answers for in a task or target, and in which role (分工)."""

    task: Task
    role: Role
    targets: tuple[Target, ...]


class Plan:
    """A validated plan with its organisation and ledger."""

    def __init__(
        self,
        text: PlanText,
        organisation: Organisation,
        ledger: Ledger,
        awards: Awards | None = None,
    ) -> None:
        self.text = text
        self.organisation = organisation
        self.ledger = ledger
        self.awards = awards

    @cached_property
    def version(self) -> str:
        """A hash of the plan data: a returned ledger must carry the version it was issued with."""
        payload = {
            "plan": self.text.model_dump(mode="json"),
            "organisation": self.organisation.model_dump(mode="json"),
            "ledger": self.ledger.model_dump(mode="json"),
        }
        if self.awards is not None:
            payload["awards"] = self.awards.model_dump(mode="json")
        encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return hashlib.sha256(encoded).hexdigest()[:16]

    @cached_property
    def short_names(self) -> dict[str, str]:
        """Every target's short name (简称): the plan's own, else a proposed one."""
        return propose_short_names(self.ledger.targets)

    def short(self, target: Target) -> str:
        return self.short_names[target.id]

    @cached_property
    def numbers(self) -> dict[str, str]:
        """Every target's 序号, the same in every document (see ``target_numbers``)."""
        return target_numbers(self.ledger.targets)

    @property
    def issue_date(self) -> dt.date:
        """When the plan was issued: its notice's date, else its own."""
        notice = self.text.notice
        return notice.date if notice and notice.date else self.text.date

    @cached_property
    def unit_plan_date(self) -> dt.date:
        """The date units' 实施方案 carry: as set, else a week after the plan is issued."""
        return self.text.unit_plan_date or self.issue_date + UNIT_PLAN_DELAY

    @cached_property
    def units(self) -> dict[str, Unit]:
        return {unit.id: unit for unit in self.organisation.units}

    @cached_property
    def unit_names(self) -> UnitNames:
        """Units (and groups) by name: whom a file name or a sentence names."""
        return UnitNames(self.organisation.units, [g.name for g in self.organisation.groups])

    @cached_property
    def _groups(self) -> dict[str, Group]:
        index: dict[str, Group] = {}
        for group in self.organisation.groups:
            index[group.id] = group
            index[group.name] = group
        return index

    @cached_property
    def _unit_refs(self) -> dict[str, Unit]:
        index: dict[str, Unit] = {}
        for unit in self.organisation.units:
            index[unit.id] = unit
            index[unit.name] = unit
        return index

    def unit_by_ref(self, ref: str) -> Unit | None:
        """The unit named by id or name; ``None`` for a group or an unknown name."""
        return self._unit_refs.get(ref)

    def display_name(self, ref: str) -> str:
        """The name under which a reference is printed (a group's or a unit's name)."""
        if ref in self._unit_refs:
            return self._unit_refs[ref].name
        return self._groups[ref].name

    def members(self, ref: str) -> list[Unit]:
        """The units a reference stands for, a group expanded (nested groups too)."""
        return [self.units[uid] for uid in self._member_ids(ref)]

    def _member_ids(self, ref: str) -> tuple[str, ...]:
        # Cached: a big plan asks this for every unit and task (1,000 units x 50 tasks).
        cache = self.__dict__.setdefault("_members_cache", {})
        if ref not in cache:
            if ref in self._unit_refs:
                found = [self._unit_refs[ref].id]
            else:
                group = self._groups[ref]
                found = [self._unit_refs[member].id for member in group.members]
                for included in group.includes:
                    found.extend(self._member_ids(included))
            cache[ref] = tuple(dict.fromkeys(found))
        return cache[ref]

    def _id_set(self, refs: tuple[str, ...]) -> frozenset[str]:
        cache = self.__dict__.setdefault("_id_set_cache", {})
        if refs not in cache:
            cache[refs] = frozenset(uid for ref in refs for uid in self._member_ids(ref))
        return cache[refs]

    def role(self, unit: Unit, named: list[str], lead: list[str]) -> Role | None:
        """The unit's role among the named references, or ``None`` if not named."""
        return _role_of(unit, self._id_set(tuple(lead)), self._id_set(tuple(named)))

    def _ids_of(self, owner: Item | Target) -> tuple[frozenset[str], frozenset[str]]:
        """The ids of the units a task or target names as lead, and of all it names.

        Kept per task and target (by identity: models are unhashable): every unit asks.
        """
        cache = self.__dict__.setdefault("_ids_of_cache", {})
        held = cache.get(id(owner))
        if held is None or held[0] is not owner:
            if isinstance(owner, Item):
                named, lead = owner.named, owner.lead_refs
            else:
                named, lead = self.target_refs(owner)
            held = cache[id(owner)] = (owner, self._id_set(tuple(lead)), self._id_set(tuple(named)))
        return held[1], held[2]

    @cached_property
    def tasks(self) -> list[Task]:
        return [task for task in _walk(self.text.sections, ()) if task.item.is_task]

    @cached_property
    def tasks_by_id(self) -> dict[str, Task]:
        return {task.item.id: task for task in self.tasks if task.item.id}

    def deadline(self, target: Target) -> tuple[str, dt.date | None]:
        """The target's task deadline (完成时限): as written, and as a date."""
        text = self.tasks_by_id[target.task].item.deadline
        return text, parse_deadline(text, self.text.year) if text else None

    def planned(self, measure: Measure, unit: Unit) -> float | None:
        """The unit's own 计划数 for ``measure``, if the ledger sets one (by unit id or name)."""
        return self._planned_by_unit(measure).get(unit.id)

    def _planned_by_unit(self, measure: Measure) -> dict[str, float]:
        # Indexed once per measure: asked for every unit, a scan of a measure that sets every
        # unit's figure would be quadratic. The first entry naming a unit counts, as written.
        cache = self.__dict__.setdefault("_planned_cache", {})
        held = cache.get(id(measure))
        if held is None or held[0] is not measure:  # keyed by identity: measures are unhashable
            index: dict[str, float] = {}
            for ref, figure in measure.planned.items():
                if (found := self._unit_refs.get(ref)) is not None:
                    index.setdefault(found.id, figure)
            held = cache[id(measure)] = (measure, index)
        return held[1]

    @cached_property
    def has_planned(self) -> bool:
        """Whether any measure sets units' 计划数 (the ledgers then get a 计划数 column)."""
        return any(m.planned for target in self.ledger.targets for m in target.measures)

    @cached_property
    def has_deadlines(self) -> bool:
        return any(task.item.deadline for task in self.tasks)

    def target_refs(self, target: Target) -> tuple[list[str], list[str]]:
        """(named, lead) references of a target: its own, else its task's."""
        if target.responsible:
            return list(target.responsible), list(target.responsible[:1])
        item = self.tasks_by_id[target.task].item
        return item.named, item.lead_refs

    @cached_property
    def _targets_by_task(self) -> dict[str, list[Target]]:
        found: dict[str, list[Target]] = {}
        for target in self.ledger.targets:
            found.setdefault(target.task, []).append(target)
        return found

    def duties(self, unit: Unit) -> list[Duty]:
        """The tasks this unit answers for, in outline order, with its targets in each."""
        # Kept per unit: a run asks for every unit's three times (which units get files,
        # their 实施方案, their ledgers), a tenth of a re-run's time at 1,000 units.
        cache = self.__dict__.setdefault("_duties_cache", {})
        held = cache.get(unit.id)
        if held is None or held[0] is not unit:
            held = cache[unit.id] = (unit, self._duties(unit))
        return list(held[1])

    def _duties(self, unit: Unit) -> list[Duty]:
        duties = []
        for task in self.tasks:
            role = _role_of(unit, *self._ids_of(task.item))
            targets = tuple(
                target
                for target in self._targets_by_task.get(task.item.id or "", [])
                if _role_of(unit, *self._ids_of(target))
            )
            if role or targets:
                duties.append(Duty(task, role or "cooperating", targets))
        return duties

    def targets_for(self, unit: Unit) -> list[tuple[Target, Role]]:
        """The ledger targets this unit reports on, in ledger order, with its role."""
        found = []
        for target in self.ledger.targets:
            role = _role_of(unit, *self._ids_of(target))
            if role:
                found.append((target, role))
        return found


def _role_of(unit: Unit, lead: frozenset[str], named: frozenset[str]) -> Role | None:
    if unit.id in lead:
        return "lead"
    if unit.id in named:
        return "cooperating"
    return None


def _walk(items: list[Item], ancestors: tuple[Item, ...]) -> Iterator[Task]:
    for item in items:
        yield Task(item, ancestors)
        yield from _walk(item.items, (*ancestors, item))
