"""Long titles are broken at a natural point, never inside a word or a number."""

from __future__ import annotations

import pytest

from generator.documents.common import title_lines


@pytest.mark.parametrize(
    ("title", "lines"),
    [
        ("2016年焦作市园林局文明服务活动方案", ["2016年焦作市园林局文明服务活动方案"]),
        ("焦作市园林局2016年文明服务活动实施方案", ["焦作市园林局2016年", "文明服务活动实施方案"]),
        (
            "云河市2020年窗口服务单位文明服务提升行动实施方案",
            ["云河市2020年窗口服务单位", "文明服务提升行动实施方案"],
        ),
        (
            "云河市精神文明建设指导委员会办公室2020年窗口文明服务提升行动工作总结",
            ["云河市精神文明建设指导委员会办公室", "2020年窗口文明服务提升行动工作总结"],
        ),
        (
            "关于推荐2016年度文明服务先进集体和先进个人的报告",
            ["关于推荐2016年度文明服务先进集体", "和先进个人的报告"],
        ),
    ],
)
def test_title_breaks(title: str, lines: list[str]) -> None:
    assert title_lines(title).split("\n") == lines


def test_no_number_is_split_when_nothing_else_fits() -> None:
    for lines in (title_lines("甲" * n + "20201231" + "乙" * 20) for n in range(5, 20)):
        assert all(line[:1] not in "0123456789" or "2020" in line for line in lines.split("\n"))
        assert "20201231" in lines.replace("\n", "") and "\n" not in lines.split("2020")[1][:4]
