"""Short names (简称) of ledger targets: how summaries, charts and lists name a target.

A target's short name is data (``short`` in ledger.yaml); where a plan leaves it out, or
when ``import``/``init`` propose one, :func:`propose_short_names` derives it from the
target's own words -- a whole clause or the subject, never a string cut mid-word -- and
makes the names of one ledger distinct.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any, Protocol

MAX_SHORT = 15
"""Longest short name (characters): one line of a chart label or a list entry."""
PROPOSED_MAX = 12  # a proposal leaves room for a （2） that tells two alike apart

_CLAUSE = re.compile(r"[。；;，,：:！？]")
_LEADING = re.compile(r"^(各单位要|各单位|要|积极|认真|大力|进一步|切实|全面)")


class Named(Protocol):
    id: str
    project: str
    subject: str
    text: str
    short: str


def clauses(text: str) -> list[str]:
    """A text's clauses (never split inside “…”), without leading boilerplate (各单位要 …)."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += {"“": 1, "”": -1}.get(char, 0)
        if depth <= 0 and _CLAUSE.match(char):
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    found = []
    for part in parts:
        clause = _LEADING.sub("", part.strip()).strip()
        if clause:
            found.append(clause)
    return found


def _candidates(target: Named, project: str = "") -> list[str]:
    """Possible names, best first: the subject, whole clauses, a quoted term, the project."""
    found = [target.subject] if target.subject else []
    found += [c for c in clauses(target.text) if len(c) >= 4]
    found += re.findall(r"“([^”]{2,10})”", target.text)
    found += [project.rstrip("。")] if project else []
    # A clause too long with its bracketed gloss may fit without it: 进班组（科室） → 进班组.
    found = [form for c in found for form in (c, re.sub(r"（[^）]*）", "", c))]
    return [c for c in dict.fromkeys(found) if 2 <= len(c) <= PROPOSED_MAX]


def propose_short_names(targets: Sequence[Named]) -> dict[str, str]:
    """A distinct short name for every target (id -> name), a hand-written one kept.

    Each target takes its first candidate no other target shares; a target whose every
    candidate is taken (or too long) gets its first candidate with （2）, （3） … added, and
    one with no fitting clause at all is named by its ledger id (目标L05) -- never a cut.
    """
    chosen: dict[str, str] = {t.id: t.short for t in targets if t.short}
    wanted = Counter(c for t in targets if not t.short for c in _candidates(t, t.project)[:1])
    taken = set(chosen.values())
    for target in targets:
        if target.short:
            continue
        options = _candidates(target, target.project)
        free = [c for c in options if c not in taken and wanted[c] <= 1]
        free = free or [c for c in options if c not in taken]
        name = free[0] if free else ""
        if not name:
            base = options[0] if options else f"目标{target.id}"[:PROPOSED_MAX]
            name, n = base, 2
            while name in taken:
                name, n = f"{base}（{n}）", n + 1
        chosen[target.id] = name
        taken.add(name)
    return {t.id: chosen[t.id] for t in targets}


def with_short_names(targets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Target records (as import and ``init`` write them) with a proposed ``short`` each."""
    views = [
        SimpleNamespace(
            id=t["id"],
            project=t.get("project", ""),
            subject=t.get("subject", ""),
            text=t.get("text", ""),
            short=t.get("short", ""),
        )
        for t in targets
    ]
    proposed = propose_short_names(views)  # type: ignore[arg-type]
    placed = []
    for record in targets:
        keys = list(record)
        after = keys.index("subject" if "subject" in record else "project") + 1
        items = [(k, record[k]) for k in keys if k != "short"]
        items.insert(after, ("short", proposed[record["id"]]))
        placed.append(dict(items))
    return placed
