"""Placeholders never reach a document: what an import (or a starter) left to fill in.

Three kinds stop ``check`` and every generating command, each at its place:

* a text holding a placeholder marker (待填写, 待补充, ××, YYYY …);
* a field the import guessed (the year, the date, …) and that nobody confirmed: the
  import lists it in ``unconfirmed``; the user checks the value and deletes the entry;
* a unit or group marked ``illustrative`` (example data) in a plan that does not
  declare itself an example (``example: true``, as the bundled examples do).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from generator.model.checks import Locator, PathKey
from generator.model.plan import Ledger, Organisation, PlanText
from generator.problems import Problem

PLACEHOLDER = "待填写"
# Markers offices and templates use for "to be filled in"; × and X runs as in ××局.
MARKERS = re.compile(r"待填写|待补充|待定稿|请填写|[×ＸX]{2,}|YYYY|[□〇○]{2,}")
# What ``unconfirmed`` may name: a field of plan.yaml, dotted or indexed (phases[0].start).
_FIELD = re.compile(r"^[a-z_]+(?:\[\d+\])?(?:\.[a-z_]+(?:\[\d+\])?)*$")


def check_placeholders(
    text: PlanText | None,
    org: Organisation | None,
    ledger: Ledger | None,
    where: dict[str, Locator],
) -> list[Problem]:
    """Every placeholder of the plan's three documents, located at its field."""
    problems: list[Problem] = []
    for document, model in (("plan", text), ("units", org), ("ledger", ledger)):
        if model is not None:
            problems.extend(
                where[document].problem(path, f"尚未填写：「{value}」", _HINT)
                for path, value in _marked_texts(model, ())
            )
    if text is not None:
        problems.extend(_unconfirmed(text, where["plan"]))
    if org is not None and not (text is not None and text.example):
        problems.extend(_illustrative(org, where["units"]))
    return [dataclasses.replace(p, unfinished=True) for p in problems]


_HINT = "这是导入或示例留下的待填内容，请换成本方案的真实内容；填好之前不能生成文件"


def _marked_texts(value: Any, path: PathKey) -> Iterator[tuple[PathKey, str]]:
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _marked_texts(getattr(value, name), (*path, name))
    elif isinstance(value, list | tuple):
        for i, each in enumerate(value):
            yield from _marked_texts(each, (*path, i))
    elif isinstance(value, dict):
        for key, each in value.items():
            if isinstance(key, str) and MARKERS.search(key):
                yield (*path, key), key
            yield from _marked_texts(each, (*path, key))
    elif isinstance(value, str) and MARKERS.search(value):
        yield path, value


def _unconfirmed(text: PlanText, where: Locator) -> list[Problem]:
    problems = []
    for i, name in enumerate(text.unconfirmed):
        shown = _value_of(text, name) if _FIELD.match(name) else None
        value = f"（现为 {shown}）" if shown is not None else ""
        problems.append(
            where.problem(
                ("unconfirmed", i),
                f"{name}{value}是导入时推断的，尚未确认",
                f"请核对 {name}，改正后从 unconfirmed 中删去这一项",
            )
        )
    return problems


def _value_of(model: Any, dotted: str) -> Any:
    """The value a dotted name (phases[0].start) names, or None."""
    value = model
    for part in dotted.split("."):
        name, _, index = part.partition("[")
        value = getattr(value, name, None)
        if index and isinstance(value, list):
            at = int(index.rstrip("]"))
            value = value[at] if at < len(value) else None
        if value is None:
            return None
    return value


def _illustrative(org: Organisation, where: Locator) -> list[Problem]:
    hint = (
        "请换成本局真实的单位（并删去 illustrative）；"
        "如这确是示例方案，在 plan.yaml 写 example: true"
    )
    found = [("units", i, u.name) for i, u in enumerate(org.units) if u.illustrative]
    found += [("groups", i, g.name) for i, g in enumerate(org.groups) if g.illustrative]
    return [
        where.problem((kind, i, "illustrative"), f"「{name}」是示例单位（illustrative）", hint)
        for kind, i, name in found
    ]
