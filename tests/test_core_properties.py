"""docProps/core.xml: the pieces serialised once give lxml's bytes for any value."""

from __future__ import annotations

import random
from datetime import date, datetime, timezone

import pytest

from generator.render.document_spec import DocProperties
from generator.render.docx.errors import TemplateRenderError
from generator.render.docx.package import _core_fields, _core_tree, core_properties_xml

VALUES = [
    "",
    "第253服务站2016年文明服务活动实施方案",
    "A & B <c> \"d\" 'e'",
    "line\nbreak\ttab",
    "carriage\rreturn",
    "plandocs-core-slot-3 in a value",
    "]]> &amp; &#13;",
    "\u0085\u2028\u00a0\U0001f600 ＆＜＞",
]


def _random_text(rng: random.Random) -> str:
    alphabet = "&<>\"'\n\t abc中文\u3000\u00a0\u2028\U0001f600;#x13"
    return "".join(rng.choice(alphabet) for _ in range(rng.randrange(12)))


@pytest.mark.parametrize("value", VALUES)
def test_each_field_as_lxml_writes_it(value: str) -> None:
    properties = DocProperties(
        title=value,
        author=value,
        created=date(2016, 6, 7),
        subject=value,
        keywords=value,
        description=value,
    )
    assert core_properties_xml(properties) == _core_tree(_core_fields(properties))


def test_random_values_as_lxml_writes_them() -> None:
    rng = random.Random(19)
    for _ in range(500):
        properties = DocProperties(
            title=_random_text(rng),
            author=_random_text(rng),
            created=datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
            subject=_random_text(rng),
            keywords=_random_text(rng),
            description=_random_text(rng),
        )
        assert core_properties_xml(properties) == _core_tree(_core_fields(properties))


def test_a_value_xml_cannot_hold_is_refused() -> None:
    with pytest.raises(TemplateRenderError, match="keywords"):
        core_properties_xml(DocProperties("t", "a", date(2016, 6, 7), keywords="x\x01"))
