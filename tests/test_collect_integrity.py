"""Nothing wrongly accepted: which return counts, and the checks that used to let errors by.

Each test is one case that an earlier version accepted, decided silently, or crashed on.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.read.returns import ReturnedFile, saved_utc
from tests.helpers import EXAMPLE, copy_example, invoke
from tests.test_collect import Ledger, assert_error, check

# --- helpers -------------------------------------------------------------------------------


def rezip(data: bytes, parts: dict[str, Callable[[bytes], bytes]]) -> bytes:
    """The workbook with some parts rewritten (as another program would have saved them)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename in parts:
                content = parts[info.filename](content)
            out.writestr(info, content)
    return target.getvalue()


def saved_by(application: str) -> Callable[[bytes], bytes]:
    def rewrite(xml: bytes) -> bytes:
        start = xml.index(b"<Application>") + len(b"<Application>")
        end = xml.index(b"</Application>")
        return xml[:start] + application.encode() + xml[end:]

    return rewrite


CALC = "LibreOffice/7.4.7.2$Linux_X86_64 LibreOffice_project/40$Build-2"


def as_calc(data: bytes) -> bytes:
    return rezip(data, {"docProps/app.xml": saved_by(CALC)})


def collect(returns: Path, out: Path) -> tuple[int, str]:
    return invoke("collect", str(returns), "--data", str(EXAMPLE), "--out", str(out))


def accepted(out: Path) -> dict:
    return json.loads((out / "台账汇总" / "进度记录.json").read_text("utf-8"))["accepted"]


def put(folder: Path, name: str, data: bytes, mtime: float | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def said(unit: str, text: str, saved: dt.datetime | None) -> bytes:
    """A filled ledger saying ``text``, saved at ``saved`` (None: the file records no time)."""
    ledger = Ledger(unit).fill_all()
    ledger.set("L06", "P1.progress", text)
    if saved is None:
        return rezip(ledger.bytes(), {"docProps/core.xml": _without_dates})
    return ledger.bytes(saved)


def _without_dates(xml: bytes) -> bytes:
    return re.sub(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>", b"", xml)


def progress(out: Path, unit: str = "fzk") -> str:
    return accepted(out)[unit]["rows"]["L06"]["P1"]["progress"]


# --- which return counts -------------------------------------------------------------------


def test_calc_writes_local_time_marked_as_utc(beijing: None) -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    ten = dt.datetime(2016, 11, 20, 10, 0)  # as the file says, with a Z
    assert saved_utc(ten, CALC, now) == "2016-11-20T02:00:00"  # 10:00 in Beijing
    assert saved_utc(ten, "Microsoft Excel", now) == "2016-11-20T10:00:00"
    assert saved_utc(dt.datetime(2099, 1, 1), "Microsoft Excel", now) == ""  # not believed
    assert saved_utc(None, "Microsoft Excel", now) == ""


def test_an_excel_correction_two_hours_after_calc_wins(beijing: None, tmp_path: Path) -> None:
    """Calc saved at 10:00 Beijing (stamped 10:00Z); Excel corrected it at 12:00 (04:00Z)."""
    returns = tmp_path / "r"
    arrival = time.time()
    put(returns, "a.xlsx", as_calc(said("fzk", "第一次", dt.datetime(2016, 11, 20, 10))), arrival)
    put(returns, "b.xlsx", said("fzk", "改正后", dt.datetime(2016, 11, 20, 4)), arrival)
    code, output = collect(returns, tmp_path / "out")
    assert code == 0, output
    assert progress(tmp_path / "out") == "改正后"


def test_arrival_in_a_later_run_wins_over_the_save_time(tmp_path: Path) -> None:
    """Two returns with the same save time, in two runs: the later arrival, never hash order."""
    out = tmp_path / "out"
    stamp = dt.datetime(2016, 6, 1, 9)
    for day, text in (("d1", "第一次"), ("d2", "第二次")):
        put(tmp_path / day, "fzk.xlsx", said("fzk", text, stamp))
        assert collect(tmp_path / day, out)[0] == 0
        assert progress(out) == text


def test_a_stamp_in_2099_never_wins(tmp_path: Path) -> None:
    out = tmp_path / "out"
    put(tmp_path / "d1", "fzk.xlsx", said("fzk", "钟不准的电脑", dt.datetime(2099, 1, 1)))
    code, output = collect(tmp_path / "d1", out)
    assert code == 0 and "晚于本机当前时间" in output
    put(tmp_path / "d2", "fzk.xlsx", said("fzk", "改正后", dt.datetime(2016, 11, 30)))
    code, output = collect(tmp_path / "d2", out)
    assert code == 0, output
    assert progress(out) == "改正后"


def test_returns_without_a_save_time_are_ordered_by_arrival(tmp_path: Path) -> None:
    """No stamp: the arrival decides; and two runs on the same input give the same record."""
    returns = tmp_path / "r"
    put(returns, "a.xlsx", said("fzk", "先到", None), time.time() - 3600)
    put(returns, "b.xlsx", said("fzk", "后到", None), time.time())
    records = []
    for name in ("out1", "out2"):
        code, output = collect(returns, tmp_path / name)
        assert code == 0, output
        records.append((tmp_path / name / "台账汇总" / "进度记录.json").read_bytes())
        assert progress(tmp_path / name) == "后到"
    assert records[0] == records[1]


def test_same_arrival_and_same_save_time_is_refused_not_guessed(tmp_path: Path) -> None:
    returns = tmp_path / "r"
    now = time.time()
    stamp = dt.datetime(2016, 6, 1, 9)
    put(returns, "a.xlsx", said("fzk", "甲", stamp), now)
    put(returns, "b.xlsx", said("fzk", "乙", stamp), now)
    code, output = collect(returns, tmp_path / "out")
    assert code == 2
    assert "同时收到且保存时间相同" in output


def test_a_later_arrival_saved_earlier_is_reported_and_can_be_overruled(tmp_path: Path) -> None:
    out = tmp_path / "out"
    newer = put(tmp_path / "d1", "新.xlsx", said("fzk", "十一月", dt.datetime(2016, 11, 30)))
    assert collect(tmp_path / "d1", out)[0] == 0
    put(tmp_path / "d2", "旧.xlsx", said("fzk", "五月", dt.datetime(2016, 5, 30)))
    code, output = collect(tmp_path / "d2", out)
    assert code == 0, output
    assert progress(out) == "五月"  # the office received it last: it counts, but ...
    assert "请核对" in output and "旧.xlsx 收到较晚" in output and "plandocs pick" in output
    # ... staff decide: the November file it is; the views follow at once
    code, output = invoke("pick", str(newer), "--data", str(EXAMPLE), "--out", str(out))
    assert code == 0, output
    assert "已选定：局法制科 以 新.xlsx 为准" in output
    assert progress(out) == "十一月" and "请核对" not in output
    report = (out / "台账汇总" / "报送情况.txt").read_text("utf-8")
    assert "局法制科：新.xlsx" in report
    code, output = collect(tmp_path / "d2", out)
    assert code == 0, output
    assert progress(out) == "十一月" and "请核对" not in output
    # a return arriving after the choice counts again
    put(tmp_path / "d3", "再改.xlsx", said("fzk", "十二月", dt.datetime(2016, 12, 5)))
    assert collect(tmp_path / "d3", out)[0] == 0
    assert progress(out) == "十二月"


def test_pick_refuses_a_file_never_collected(tmp_path: Path) -> None:
    stray = put(tmp_path, "x.xlsx", said("fzk", "x", dt.datetime(2016, 6, 1)))
    code, output = invoke(
        "pick", str(stray), "--data", str(EXAMPLE), "--out", str(tmp_path / "out")
    )
    assert code == 2 and "还没有被回收过" in output


# --- checks that hold ----------------------------------------------------------------------


def _block(ledger: Ledger, phase: str) -> list[int]:
    return [ledger.columns[f"{phase}.{k}"] for k in ("status", "progress", "figure")]


def test_swapped_phase_blocks_with_their_headers_are_refused() -> None:
    ledger = Ledger("fzk").fill_all()
    ws = ledger.ws
    top = min(ledger.rows.values()) - 2
    first, second = _block(ledger, "P1"), _block(ledger, "P2")
    ws.unmerge_cells(start_row=top, start_column=first[0], end_row=top, end_column=first[-1])
    ws.unmerge_cells(start_row=top, start_column=second[0], end_row=top, end_column=second[-1])
    for row in range(top, ws.max_row + 1):
        for a, b in zip(first, second, strict=True):
            ws.cell(row, a).value, ws.cell(row, b).value = (
                ws.cell(row, b).value,
                ws.cell(row, a).value,
            )
    result = check(ledger.bytes())
    assert not result.accepted
    places = {p.place for p in result.errors}
    assert all("台账!" in p for p in places)
    assert any("表头被改动" in p.message for p in result.errors)


def test_an_inserted_column_is_named_as_such() -> None:
    ledger = Ledger("fzk").fill_all()
    column = ledger.columns["P1.status"]
    ledger.ws.insert_cols(column)
    result = check(ledger.bytes())
    messages = [p.message for p in result.errors]
    assert any("插入了列" in m for m in messages), messages
    assert not any("锁定的内容" in m or "不是可选值" in m for m in messages), messages


def test_a_deleted_column_is_named_as_such() -> None:
    ledger = Ledger("fzk").fill_all()
    ledger.ws.delete_cols(ledger.columns["P1.progress"])
    result = check(ledger.bytes())
    messages = [p.message for p in result.errors]
    assert any("删除了列" in m and "实施情况" in m for m in messages), messages


def test_a_cleared_locked_cell_is_refused() -> None:
    ledger = Ledger("fzk").fill_all()
    place = ledger.set("L06", "content", None)
    assert_error(check(ledger.bytes()), place, "锁定的内容被清空")


def test_an_overwritten_locked_cell_is_not_called_a_missing_row() -> None:
    ledger = Ledger("fzk").fill_all()
    place = ledger.set("L06", "content", "自己改写的内容")
    result = check(ledger.bytes())
    assert_error(result, place, "锁定的内容被改动", "自己改写的内容")
    assert not any("少了" in p.message or "多了" in p.message for p in result.errors)


def test_percent_typed_into_a_count_cell_is_refused_with_a_fix() -> None:
    ledger = Ledger("gyzz").fill_all()
    key = next(k for k in ledger.rows if "/" in k)
    place = ledger.set(key, "P1.figure", 0.3)
    ledger.cell(key, "P1.figure").number_format = "0%"
    result = check(ledger.bytes())
    assert_error(result, place, "百分比格式", "30%", "0.3", "常规")


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("已组织_x005F_x000D_学习", "已组织_x000D_学习"),
        ("已组织_x005F_x000B_学习", "已组织_x000B_学习"),
    ],
)
def test_literal_escape_text_is_kept_verbatim(typed: str, kept: str) -> None:
    """Excel writes a typed "_x000D_" as _x005F_x000D_: the text, not a control character."""
    ledger = Ledger("fzk").fill_all()
    ledger.set("L06", "P1.progress", typed)
    result = check(ledger.bytes())
    assert result.accepted, result.errors
    assert result.rows["L06"]["P1"].progress == kept


def test_an_ods_file_is_refused_by_name() -> None:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as ods:
        ods.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        ods.writestr("content.xml", "<office:document-content/>")
    result = check(data.getvalue(), "局法制科台账.ods")
    assert_error(result, "", "OpenDocument 电子表格（.ods）", "Excel 2007-365 (.xlsx)")
    assert not any("损坏" in p.message for p in result.errors)


def test_strict_open_xml_is_named() -> None:
    data = Ledger("fzk").fill_all().bytes()
    main = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    strict = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
    data = rezip(data, {"xl/workbook.xml": lambda xml: xml.replace(main, strict)})
    result = check(data)
    assert_error(result, "", "Strict Open XML", "Excel 工作簿（*.xlsx）")
    assert not any("不是本系统" in p.message for p in result.errors)


def test_calc_hiding_the_identity_sheet_is_not_warned_about() -> None:
    ledger = Ledger("fzk").fill_all()
    ledger.book["_plandocs"].sheet_state = "hidden"  # what every Calc save does
    data = ledger.bytes()
    from_calc = check(as_calc(data))
    assert from_calc.accepted and not from_calc.notices, from_calc.notices
    from_excel = check(data)  # a unit that unhid and re-hid it in Excel: told
    assert any("标识表" in p.message for p in from_excel.notices)


def test_libreoffice_lock_files_are_ignored(tmp_path: Path) -> None:
    returns = tmp_path / "r"
    put(returns, "局法制科台账.xlsx", said("fzk", "x", dt.datetime(2016, 6, 1)))
    put(returns, ".~lock.局法制科台账.xlsx#", b",user,host,01.06.2016 09:00,file:///x;")
    assert ReturnedFile(returns / ".~lock.局法制科台账.xlsx#", b"").is_lock_file
    code, output = collect(returns, tmp_path / "out")
    assert code == 0, output
    assert "已忽略 .~lock.局法制科台账.xlsx#" in output


def _bad(unit: str) -> bytes:
    ledger = Ledger(unit).fill_all()
    ledger.set(next(iter(ledger.rows)), "P1.status", "完成")
    return ledger.bytes()


def test_annotated_copies_are_one_per_source_path(tmp_path: Path) -> None:
    returns = tmp_path / "r"
    put(returns / "一组", "台账.xlsx", _bad("fzk"))
    put(returns / "二组", "台账.xlsx", _bad("gyzz"))
    code, _ = collect(returns, tmp_path / "out")
    assert code == 2
    copies = sorted(p.name for p in (tmp_path / "out" / "台账汇总" / "退回").iterdir())
    assert len(copies) == 2 and copies[0] != copies[1]
    assert any("一组" in name for name in copies) and any("二组" in name for name in copies)


def test_a_rejection_stays_outstanding_when_the_next_run_uses_another_folder(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    put(tmp_path / "d1", "法制科.xlsx", _bad("fzk"))
    assert collect(tmp_path / "d1", out)[0] == 2
    put(tmp_path / "d2", "工会.xlsx", Ledger("gyzz").fill_all().bytes())
    code, output = collect(tmp_path / "d2", out)
    assert code == 2, output  # still waiting for 法制科's correction
    assert "退回待改正 1 份" in output and "法制科.xlsx" in output and "以前回收时退回" in output
    put(tmp_path / "d3", "法制科改.xlsx", said("fzk", "改好了", dt.datetime(2016, 6, 2)))
    code, output = collect(tmp_path / "d3", out)
    assert code == 0, output
    assert "退回待改正 0 份" in output


def test_out_inside_the_returns_folder_is_refused(tmp_path: Path) -> None:
    returns = tmp_path / "r"
    put(returns, "局法制科台账.xlsx", said("fzk", "x", dt.datetime(2016, 6, 1)))
    code, output = collect(returns, returns / "out")
    assert code == 2
    assert "输出目录在回收目录" in output and "--out" in output
    assert not (returns / "out").exists()


# --- plan data -----------------------------------------------------------------------------


def test_a_5000_deep_yaml_is_refused_at_its_place(tmp_path: Path) -> None:
    data = copy_example(tmp_path)
    (data / "ledger.yaml").write_text("targets:\n  - " + "[" * 5000 + "]" * 5000 + "\n")
    code, output = invoke("check", "--data", str(data))
    assert code == 2
    assert f"{data / 'ledger.yaml'}:2:" in output and "嵌套超过 40 层" in output
    assert "Traceback" not in output and "RecursionError" not in output


def test_units_yaml_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    data = copy_example(tmp_path)
    (data / "units.yaml").unlink()
    (data / "units.yaml").mkdir()
    code, output = invoke("check", "--data", str(data))
    assert code == 2
    assert str(data / "units.yaml") in output and "不是文件" in output
    assert "Traceback" not in output
