"""Unit plans in the unit's voice: whom each sentence of the bureau's text addresses."""

from __future__ import annotations

from generator.documents.unit_voice import unit_voice
from tests.test_collect import PLAN

NURSERY = PLAN.units["mpc"]  # 苗圃场: one of 各单位, not an office


def test_sentences_for_every_unit_are_the_units_own() -> None:
    text = "各单位要高度重视，加强领导。在各单位机关办公区建设文化墙。"
    assert (
        unit_voice(PLAN, NURSERY, text)
        == "本单位要高度重视，加强领导。在本单位机关办公区建设文化墙。"
    )


def test_sentences_for_the_bureaus_offices_or_other_units_are_left_out() -> None:
    text = (
        "局精神文明建设工作领导小组办公室要及时总结好做法。"
        "局法制科要公布权力清单。"
        "各绿地监管单位要更换公益广告。"  # a group 苗圃场 is not in
        "开展文明服务活动是重要内容。"
    )
    assert unit_voice(PLAN, NURSERY, text) == "开展文明服务活动是重要内容。"


def test_a_group_the_unit_belongs_to_becomes_the_unit() -> None:
    park = PLAN.units["rmgy"]  # 人民公园管理处, one of 各绿地监管单位
    assert unit_voice(PLAN, park, "各绿地监管单位要更换公益广告。") == "本单位要更换公益广告。"
    assert unit_voice(PLAN, park, "各绿地监管单位更换公益广告。") == "本单位更换公益广告。"


def test_statements_stay_as_written() -> None:
    text = "文明服务活动由领导小组统一领导；通过“亮”和“评”加强监督。"
    assert unit_voice(PLAN, NURSERY, text) == text
