"""Unit and group names in an imported plan: 责任单位 lists, and the units.yaml they make.

Offices write a responsibility line as names joined by 、，: ``局办公室、局监察室、各单位``.
A name starting with 各 (or 局属各, 局直属各, 市直各) names a group of units (各单位,
各绿地监管单位); its members are not in the plan, so the imported group is empty. A
group's 各 covers the short kind words after it: ``局属各总支、支部`` is one group
(each 总支 and 支部 of the bureau), not a group and a unit called 支部.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_SEPARATORS = re.compile(r"[、，,；;\s]+")
_GROUP = re.compile(r"^(?:局属|局直属|市直|局直|系统)?各")
# A piece this short after a group is a kind word the group's 各 distributes over.
_KIND_WORD_MAX = 3
# What an office's name ends with; used to recognise a ledger's 责任单位 cell.
_NAME_END = re.compile(
    r"(科|室|办|中心|局|处|站|所|队|院|单位|部门|支部|总支|党委|委|部|组|会|馆|厅|公司|学校|园|场)$"
)
_NAME_MAX = 20
GROUP_NOTE = "请在 units.yaml 填写成员"


def is_group(name: str) -> bool:
    return bool(_GROUP.match(name))


def split_names(text: str, known: Iterable[str] = ()) -> tuple[list[str], bool]:
    """The names in a responsibility text, in order and once each; and whether the text
    had to be repaired (names run together, or named twice, as web copies do:
    ``局精神文明办公室、各单位局精神文明办公室、各单位``)."""
    known_names = sorted(set(known), key=len, reverse=True)
    names: list[str] = []
    repaired = False
    for piece in (p for p in _SEPARATORS.split(text.strip("。.")) if p):
        if names and is_group(names[-1]) and _is_kind_word(piece):
            names[-1] = f"{names[-1]}、{piece}"
            continue
        parts = _run_together(piece, known_names)
        repaired |= len(parts) > 1
        names.extend(parts)
    unique = list(dict.fromkeys(names))
    return unique, repaired or len(unique) < len(names)


def _is_kind_word(piece: str) -> bool:
    return len(piece) <= _KIND_WORD_MAX and not piece.startswith(("局", "各"))


def _run_together(piece: str, known: list[str]) -> list[str]:
    """``piece`` cut into known names when it is nothing but known names run together."""
    if piece in known or not known:
        return [piece]
    parts: list[str] = []
    rest = piece
    while rest:
        head = next((name for name in known if rest.startswith(name)), None)
        if head is None:
            return [piece]
        parts.append(head)
        rest = rest[len(head) :]
    return parts


def looks_like_names(text: str, known: Iterable[str]) -> bool:
    """Whether ``text`` is a 责任单位 list: every name known, or shaped like an office's."""
    known_set = set(known)
    names, _ = split_names(text, known_set)
    return bool(names) and all(
        name in known_set
        or (len(name) <= _NAME_MAX and "。" not in name and bool(_NAME_END.search(name)))
        for name in names
    )


def unit_kind(name: str) -> str:
    if name.endswith(("支部", "总支", "党委", "党组")):
        return "branch"
    return "office" if name.startswith("局") else "unit"


def organisation_data(
    names: Iterable[str], rosters: Iterable[dict[str, Any]] = ()
) -> dict[str, Any]:
    """units.yaml for the names an imported plan uses, in order of first use.

    ``rosters`` are the groups the plan lists with their members (第一组（4个）：甲、乙…).
    Pinyin is not available offline, so ids are numbered: u01, u02 … for units, g01 …
    for groups (the user may rename them before the plan is issued).
    """
    listed = {r["name"]: r for r in rosters}
    ordered = list(dict.fromkeys([*names, *listed]))
    units = [n for n in ordered if not is_group(n) and n not in listed]
    groups = [n for n in ordered if is_group(n) or n in listed]

    def group(number: int, name: str) -> dict[str, Any]:
        roster = listed.get(name, {})
        found = {"id": f"g{number:02d}", "name": name, "members": roster.get("members", [])}
        if roster.get("count") is not None:
            found["count"] = roster["count"]
        return found

    return {
        "units": [
            {"id": f"u{i:02d}", "name": name, "kind": unit_kind(name)}
            for i, name in enumerate(units, 1)
        ],
        "groups": [group(i, name) for i, name in enumerate(groups, 1)],
    }
