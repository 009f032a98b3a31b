"""The bureau's text as a unit's own plan says it (实施方案的单位口吻).

A unit plan copies the bureau's tasks and requirements; where the plan data gives no
unit version (``unit_text``), each sentence is read for whom it addresses:

* addressed to all units (各单位要…, or a group the unit belongs to) -- the unit says it
  of itself: 本单位要…;
* addressed to someone else (another unit, a group the unit is not in, the bureau's
  offices: 局…办公室要…, 领导小组办公室要…) -- left out: it is not the unit's to do;
* anything else stays, with 各单位 read as 本单位.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass

from generator.model.plan import Unit
from generator.model.resolved import Plan

_SENTENCE = re.compile(r"[^。；！？]*[。；！？]?")
# 「X要」「X应」「X须」 at a sentence's start: X is whom the sentence tells what to do.
_ADDRESSED = re.compile(r"^(?P<who>[^，。；：、“”]{2,30}?)(?:要|应当|应|须|必须|负责)")
_ALL_UNITS = ("各单位", "各责任单位", "各有关单位")
_EACH_UNIT = re.compile(r"^各[^，。；：、“”]{0,8}单位")  # 各窗口单位在…: what each unit does
_OFFICE = re.compile(r"(^局|^市|办公室|领导小组|委员会|主管部门|牵头单位)")


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.findall(text) if s.strip()]


def addressee_is(plan: Plan, unit: Unit, who: str) -> bool | None:
    """Whether ``who`` includes this unit (True), is someone else (False), or is no
    addressee at all (None: the sentence is a statement)."""
    if who.strip() in _ALL_UNITS:
        return True
    members = _addressed_ids(plan, who)
    if members is not None:
        return unit.id in members
    return _unnamed(plan, who)


def _addressed_ids(plan: Plan, who: str) -> frozenset[str] | None:
    """The units of the first of ``who``'s references that stands for any (it decides)."""
    for ref in re.split(r"[和及与、，]", who.strip()):
        ref = ref.strip()
        if not ref:
            continue
        try:
            members = plan.members(ref)
        except KeyError:
            continue
        if members:
            return frozenset(member.id for member in members)
    return None


def _unnamed(plan: Plan, who: str) -> bool | None:
    """An addressee that names no unit: someone else's (各…, an office), or no one."""
    who = who.strip()
    if who.startswith("各") or _OFFICE.search(who) or who.startswith(plan.text.issuer):
        return False
    return None


def _named_first(plan: Plan, sentence: str) -> str:
    """The unit or group a sentence opens with (各乡镇卫生院对照…), if any."""
    return plan.unit_names.opening(sentence)  # an index: a scan per sentence was quadratic


def unit_voice(plan: Plan, unit: Unit, text: str) -> str:
    """``text`` without what is not the unit's to do, and 各单位 as 本单位."""
    kept = []
    for sentence in _read(plan, text):
        whose = sentence.whose(unit)
        if whose is not False:
            kept.append(sentence.own if whose else sentence.plain)
    return "".join(kept).strip()


@dataclass(frozen=True)
class _Sentence:
    """One sentence read once for every unit: whom it addresses, and both ways to say it."""

    members: frozenset[str] | None  # the ids of the units it addresses, if it names some
    otherwise: bool | None  # else: True (all units), False (someone else), None (no one)
    own: str  # as the unit says it of itself (本单位要…)
    plain: str  # as it stands, 各单位 read as 本单位

    def whose(self, unit: Unit) -> bool | None:
        """As :func:`addressee_is` says for this sentence's addressee and ``unit``."""
        return unit.id in self.members if self.members is not None else self.otherwise


# Each plan's texts as read: every unit's plan voices the same tasks and requirements.
_READ: weakref.WeakKeyDictionary[Plan, dict[str, list[_Sentence]]] = weakref.WeakKeyDictionary()


def _read(plan: Plan, text: str) -> list[_Sentence]:
    known = _READ.setdefault(plan, {})
    if text not in known:
        known[text] = [_sentence(plan, sentence) for sentence in sentences(text)]
    return known[text]


def _sentence(plan: Plan, sentence: str) -> _Sentence:
    found = _ADDRESSED.match(sentence)
    who = found["who"] if found else _named_first(plan, sentence)
    plain = _each_unit_as_own(sentence)
    if not who:
        return _Sentence(None, None, plain, plain)
    own = _each_unit_as_own("本单位" + sentence[len(who) :])
    if who.strip() in _ALL_UNITS:
        return _Sentence(None, True, own, plain)
    members = _addressed_ids(plan, who)
    return _Sentence(members, None if members is not None else _unnamed(plan, who), own, plain)


def _each_unit_as_own(sentence: str) -> str:
    sentence = _EACH_UNIT.sub("本单位", sentence)
    for everyone in _ALL_UNITS:
        sentence = sentence.replace(everyone, "本单位")
    return sentence
