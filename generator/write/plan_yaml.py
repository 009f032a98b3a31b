"""Plan data as YAML text (plan.yaml, units.yaml, ledger.yaml), for ``convert`` and ``import``.

The files read back to the same models (:func:`generator.read.plan_reader.read_plan`).
They are laid out the way the bundled example is written by hand: defaults left out, an
item's children after its own text, one unit per line, long Chinese lines never folded.
"""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import BaseModel

from generator.model.plan import Ledger, Organisation, PlanText

FILES = ("plan.yaml", "units.yaml", "ledger.yaml")
HEADERS = {
    "plan.yaml": "# 方案正文：标题、署名、各部分条目与工作步骤。层级编号按 GB/T 9704 自动生成。",
    "units.yaml": "# 单位与分组。任务的责任单位可写单位或分组的编号或名称。",
    "ledger.yaml": "# 附件台账：每条目标一行，id 是台账行键（发出后不要改）。",
}


class _Flow(dict):  # type: ignore[type-arg]
    """A mapping written on one line: ``{id: fzk, name: 局法制科, kind: office}``."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(
    _Flow, lambda dumper, data: dumper.represent_mapping("tag:yaml.org,2002:map", data, True)
)


def _plain(value: Any) -> Any:
    """Whole floats as ints (``value: 6``, not ``6.0``); an item's ``items`` after its text."""
    if isinstance(value, dict):
        ordered = {k: _plain(v) for k, v in value.items() if k != "items"}
        if "items" in value:
            ordered["items"] = _plain(value["items"])
        return ordered
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _data(model: BaseModel) -> dict[str, Any]:
    return _plain(model.model_dump(mode="python", exclude_defaults=True))


def _dump(header: str, data: dict[str, Any]) -> str:
    body = yaml.dump(
        data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**9, indent=2
    )
    return f"{header}\n{body}"


def plan_yaml_texts(text: PlanText, organisation: Organisation, ledger: Ledger) -> dict[str, str]:
    """File name -> YAML text for the three plan files."""
    units = _data(organisation)
    units["units"] = [_Flow(unit) for unit in units["units"]]
    return {
        "plan.yaml": _dump(HEADERS["plan.yaml"], _data(text)),
        "units.yaml": _dump(HEADERS["units.yaml"], units),
        "ledger.yaml": _dump(HEADERS["ledger.yaml"], _data(ledger)),
    }
