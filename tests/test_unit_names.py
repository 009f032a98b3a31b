"""The index that finds the units a returned file's name names (collect's file-name check)."""

from __future__ import annotations

import random

from generator.model.plan import Unit
from generator.model.unit_names import UnitNames


def unit(n: int, name: str) -> Unit:
    return Unit(id=f"u{n}", name=name, kind="unit")


def scan(units: list[Unit], text: str) -> list[Unit]:
    """The plain definition: every unit's name tried against the text, then the most specific."""
    named = [u for u in units if u.name in text]
    return [u for u in named if not any(u.name in o.name and u is not o for o in named)]


def test_a_name_inside_a_longer_found_name_does_not_count() -> None:
    units = [unit(0, "局机关"), unit(1, "局机关党总支"), unit(2, "苗圃场")]
    index = UnitNames(units)
    assert index.named_in("局机关党总支工作台账") == [units[1]]
    assert index.named_in("局机关工作台账（修改后）") == [units[0]]
    assert index.named_in("苗圃场与局机关党总支台账") == [units[1], units[2]]  # plan order
    assert index.named_in("工作台账") == []
    assert index.named_in("") == []


def test_same_answer_as_scanning_every_unit() -> None:
    rng = random.Random(19)
    pieces = ["局", "机关", "党", "总支", "公园", "管理处", "第1", "第12", "服务站", "绿化"]
    names = {"".join(rng.sample(pieces, rng.randint(1, 4))) for _ in range(300)}
    units = [unit(n, name) for n, name in enumerate(sorted(names))]
    index = UnitNames(units)
    for _ in range(500):
        text = "".join(rng.choice([*pieces, "台账", "（第一次报送）", "-"]) for _ in range(8))
        assert index.named_in(text) == scan(units, text), text


def test_opening_is_the_longest_unit_or_group_name_a_sentence_starts_with() -> None:
    units = [unit(0, "局机关"), unit(1, "局机关党总支")]
    index = UnitNames(units, ["各乡镇卫生院", "各单位"])
    assert index.opening("局机关党总支要组织学习。") == "局机关党总支"
    assert index.opening("局机关要带头。") == "局机关"
    assert index.opening("各乡镇卫生院对照标准自查。") == "各乡镇卫生院"
    assert index.opening("全市各单位要…") == ""  # a name inside, not at the start
    rng = random.Random(13)
    names = [u.name for u in units] + ["各乡镇卫生院", "各单位"]
    for _ in range(200):
        text = "".join(
            rng.choice(["局", "机关", "党总支", "各", "单位", "要", "。"]) for _ in range(5)
        )
        plain = max((n for n in names if text.startswith(n)), key=len, default="")
        assert index.opening(text) == plain, text
