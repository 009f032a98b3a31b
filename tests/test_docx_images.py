"""Picture values in DocxTemplateEngine: inline drawings, media parts, reproducible, escaped."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.shared import Mm
from lxml import etree

from generator.render.document_spec import Picture, png_size
from generator.render.docx.engine import DocxTemplateEngine
from tests.test_docx_engine import make_template

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"


def make_png(width: int, height: int, rgb: tuple[int, int, int] = (47, 93, 138)) -> bytes:
    """A plain-colour RGB PNG, written by hand so the bytes never depend on a library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


BLUE = make_png(80, 40)
ORANGE = make_png(30, 60, (200, 120, 42))


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def relationships(data: bytes, part: str = "word/_rels/document.xml.rels") -> dict[str, str]:
    """Relationships of a part: Id → Target (images as ``media/…``, checked to be images)."""
    root = etree.fromstring(members(data)[part])
    found = {}
    for rel in root.iter(f"{RELS}Relationship"):
        target = rel.get("Target")
        assert target.startswith("media/") == (rel.get("Type") == IMAGE), target
        found[rel.get("Id")] = target
    return found


@pytest.fixture
def one_picture(tmp_path: Path) -> DocxTemplateEngine:
    return DocxTemplateEngine(make_template(tmp_path / "pic.docx", ["图表：", "{{ chart }}"]))


def test_picture_is_an_inline_shape_of_the_given_width(one_picture: DocxTemplateEngine) -> None:
    data = one_picture.render({"chart": Picture(BLUE, 120, "各单位完成率")})
    (shape,) = docx.Document(io.BytesIO(data)).inline_shapes
    assert shape.width == Mm(120)
    assert shape.height == round(Mm(120) * 40 / 80)  # the PNG's own aspect ratio
    properties = shape._inline.find(f"{WP}docPr")
    assert properties.get("descr") == "各单位完成率"
    assert int(properties.get("id")) > 0


def test_png_is_stored_unchanged_with_its_relationship(one_picture: DocxTemplateEngine) -> None:
    template_rels = relationships(one_picture.path.read_bytes())
    data = one_picture.render({"chart": Picture(BLUE, 120, "图")})
    parts = members(data)
    assert parts["word/media/image1.png"] == BLUE
    new = {rid: target for rid, target in relationships(data).items() if rid not in template_rels}
    assert list(new.values()) == ["media/image1.png"]
    xml = parts["word/document.xml"].decode("utf-8")
    assert f'r:embed="{next(iter(new))}"' in xml
    types = parts["[Content_Types].xml"].decode("utf-8")
    assert len(re.findall(r'<Default Extension="png" ContentType="image/png"/>', types)) == 1


def test_picture_keeps_its_run_and_paragraph(one_picture: DocxTemplateEngine) -> None:
    data = one_picture.render({"chart": Picture(BLUE, 50, "图")})
    document = docx.Document(io.BytesIO(data))
    paragraph = document.paragraphs[1]
    assert paragraph._p.find(f"{W}r/{W}drawing") is not None
    assert [p.text for p in document.paragraphs] == ["图表：", ""]


def test_renders_are_byte_identical(one_picture: DocxTemplateEngine) -> None:
    context = {"chart": Picture(BLUE, 120, "图")}
    assert one_picture.render(context) == one_picture.render(context)


def test_identical_pictures_share_a_part_and_ids_stay_unique(tmp_path: Path) -> None:
    template = make_template(
        tmp_path / "loop.docx", ["{%p for c in charts %}", "{{ c }}", "{%p endfor %}"]
    )
    charts = [Picture(BLUE, 60, "一"), Picture(ORANGE, 30, "二"), Picture(BLUE, 90, "三")]
    data = DocxTemplateEngine(template).render({"charts": charts})
    parts = members(data)
    assert sorted(n for n in parts if n.startswith("word/media/")) == [
        "word/media/image1.png",
        "word/media/image2.png",
    ]
    assert (parts["word/media/image1.png"], parts["word/media/image2.png"]) == (BLUE, ORANGE)
    assert sorted(t for t in relationships(data).values() if t.startswith("media/")) == [
        "media/image1.png",
        "media/image2.png",
    ]
    shapes = docx.Document(io.BytesIO(data)).inline_shapes
    assert [s.width for s in shapes] == [Mm(60), Mm(30), Mm(90)]
    ids = [s._inline.find(f"{WP}docPr").get("id") for s in shapes]
    assert len(set(ids)) == 3


def test_new_parts_do_not_clash_with_the_templates_own_picture(tmp_path: Path) -> None:
    """A template with a logo keeps it; ours become image2.png, a fresh rId, a fresh id."""
    logo = tmp_path / "logo.png"
    logo.write_bytes(ORANGE)
    document = docx.Document()
    document.add_picture(str(logo), width=Mm(10))
    document.add_paragraph("{{ chart }}")
    path = tmp_path / "logo.docx"
    document.save(path)
    template_rels = relationships(path.read_bytes())
    data = DocxTemplateEngine(path).render({"chart": Picture(BLUE, 40, "图")})
    parts = members(data)
    assert parts["word/media/image1.png"] == ORANGE
    assert parts["word/media/image2.png"] == BLUE
    rels = relationships(data)
    assert set(template_rels) < set(rels)
    assert len(rels) == len(template_rels) + 1
    shapes = docx.Document(io.BytesIO(data)).inline_shapes
    ids = [s._inline.find(f"{WP}docPr").get("id") for s in shapes]
    assert len(shapes) == 2 and len(set(ids)) == 2


def test_picture_in_a_footer_gets_the_footers_relationship(tmp_path: Path) -> None:
    template = make_template(tmp_path / "foot.docx", ["{{ title }}"], footer="{{ logo }}")
    data = DocxTemplateEngine(template).render({"title": "正文", "logo": Picture(BLUE, 20, "标")})
    footers = [n for n in members(data) if re.fullmatch(r"word/_rels/footer\d+\.xml\.rels", n)]
    targets = [t for n in footers for t in relationships(data, n).values()]
    assert "media/image1.png" in targets
    assert "media/image1.png" not in relationships(data).values()


def test_a_string_never_becomes_a_drawing(one_picture: DocxTemplateEngine) -> None:
    injected = '</w:t><w:drawing><wp:inline/></w:drawing><w:t>"&'
    data = one_picture.render({"chart": injected})
    document = docx.Document(io.BytesIO(data))
    assert document.paragraphs[1].text == injected
    assert len(document.inline_shapes) == 0
    assert not any(name.startswith("word/media/") for name in members(data))
    assert "&lt;w:drawing&gt;" in members(data)["word/document.xml"].decode("utf-8")


def test_description_is_escaped_into_the_attribute(one_picture: DocxTemplateEngine) -> None:
    description = '完成率 <80%> & "滞后"\n第二行'
    data = one_picture.render({"chart": Picture(BLUE, 50, description)})
    (shape,) = docx.Document(io.BytesIO(data)).inline_shapes
    assert shape._inline.find(f"{WP}docPr").get("descr") == description


@pytest.mark.parametrize(
    ("png", "width", "description", "message"),
    [
        (b"GIF89a" + b"\x00" * 30, 50, "图", "PNG"),
        (BLUE[:20], 50, "图", "PNG"),
        (BLUE, 0, "图", "宽度"),
        (BLUE, float("nan"), "图", "宽度"),
        (BLUE, 50, "图\x0b", r"U\+000B"),
    ],
)
def test_bad_pictures_are_refused(png: bytes, width: float, description: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Picture(png, width, description)


def test_png_size_reads_the_header() -> None:
    assert png_size(BLUE) == (80, 40)
    assert png_size(ORANGE) == (30, 60)


def test_picture_converts_to_pdf(
    tmp_path: Path, one_picture: DocxTemplateEngine, convert_to_pdf: Callable[[Path], Path]
) -> None:
    source = tmp_path / "picture.docx"
    source.write_bytes(one_picture.render({"chart": Picture(BLUE, 120, "图")}))
    pdf = convert_to_pdf(source).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert re.search(rb"/Subtype\s*/Image", pdf)
