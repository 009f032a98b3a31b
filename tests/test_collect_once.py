"""Each kind of unit's issued ledger is built once per collect, and still each return is
checked as its own unit's (issue 19: 10,000 units have a few dozen kinds of ledger).

A kind is what a unit's table is made of -- its targets and its role in each. The expected
kinds here are counted from the plan's targets directly; the returns are the issued ledgers
filled in as a unit would (tests/test_collect.py's ``Ledger``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.intake import collect as collect_module
from generator.intake.collect import IssuedLedgers, check_return, check_returns
from generator.read.returns import ReturnedFile
from tests.test_collect import PLAN, Ledger

# Two units issued the same table (局生产技术科, 局绿化办: the same targets, the same roles),
# and one of another kind.
SAME_KIND = ("scjsk", "lhb")
OTHER_KIND = "fzk"


def kinds_of(unit_ids: list[str]) -> set[tuple[tuple[str, str], ...]]:
    return {
        tuple((target.id, role) for target, role in PLAN.targets_for(PLAN.units[unit_id]))
        for unit_id in unit_ids
    }


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The units whose issued ledger collect builds, in order."""
    calls: list[str] = []
    real = collect_module.unit_ledger_spec

    def counted(plan, unit):  # type: ignore[no-untyped-def]
        calls.append(unit.id)
        return real(plan, unit)

    monkeypatch.setattr(collect_module, "unit_ledger_spec", counted)
    return calls


def write_returns(folder: Path, unit_ids: list[str]) -> None:
    folder.mkdir()
    for unit_id in unit_ids:
        name = PLAN.units[unit_id].name
        (folder / f"{name}台账.xlsx").write_bytes(Ledger(unit_id).fill_all().bytes())


def returned(unit_id: str, data: bytes) -> ReturnedFile:
    return ReturnedFile(Path(f"{PLAN.units[unit_id].name}台账.xlsx"), data)


def test_the_issued_ledger_is_built_once_per_kind(tmp_path: Path, built: list[str]) -> None:
    units = [u.id for u in PLAN.organisation.units if PLAN.duties(u)]
    write_returns(tmp_path / "returns", units)
    checks, _ = check_returns(PLAN, tmp_path / "returns")
    assert len(checks) == len(units) == 20
    assert all(check.accepted for check in checks), [c.errors for c in checks]
    assert {check.unit.id for check in checks if check.unit} == set(units)
    assert len(built) == len(kinds_of(units)) == 9  # not 20


def test_each_kind_is_built_once_whatever_order_its_units_come_in(built: list[str]) -> None:
    ledgers = IssuedLedgers(PLAN)
    order = [*SAME_KIND, OTHER_KIND, *reversed(SAME_KIND), OTHER_KIND]
    for unit_id in order:
        check = check_return(PLAN, returned(unit_id, Ledger(unit_id).fill_all().bytes()), ledgers)
        assert check.accepted and check.unit is not None and check.unit.id == unit_id
    assert len(built) == len(ledgers) == 2


def test_a_kind_forgotten_is_built_again(built: list[str]) -> None:
    ledgers = IssuedLedgers(PLAN, kept=1)
    for unit_id in (SAME_KIND[0], OTHER_KIND, SAME_KIND[1]):
        check_return(PLAN, returned(unit_id, Ledger(unit_id).fill_all().bytes()), ledgers)
    assert built == [SAME_KIND[0], OTHER_KIND, SAME_KIND[1]]


def test_a_return_swapped_between_units_of_one_kind_is_caught(built: list[str]) -> None:
    first, second = SAME_KIND
    assert len(kinds_of([first, second])) == 1  # the premise: one table for both
    ledgers = IssuedLedgers(PLAN)
    own = check_return(PLAN, returned(first, Ledger(first).fill_all().bytes()), ledgers)
    # the second unit's ledger, sent under the first's name: its table is the first's too
    swapped = check_return(PLAN, returned(first, Ledger(second).fill_all().bytes()), ledgers)
    assert own.accepted and len(built) == 1
    assert swapped.unit is not None and swapped.unit.id == second  # what the file says it is
    names = PLAN.units[first].name, PLAN.units[second].name
    assert [problem.message for problem in swapped.errors] == [
        f"文件名表明是「{names[0]}」的台账，但文件内容是「{names[1]}」的台账"
    ]


def test_a_changed_return_of_a_kind_met_before_is_still_rejected(built: list[str]) -> None:
    first, second = SAME_KIND
    ledgers = IssuedLedgers(PLAN)
    assert check_return(PLAN, returned(first, Ledger(first).fill_all().bytes()), ledgers).accepted
    ledger = Ledger(second).fill_all()
    key = next(iter(ledger.rows))
    issued = str(ledger.cell(key, "content").value).strip()
    place = ledger.set(key, "content", "改过的目标")
    check = check_return(PLAN, returned(second, ledger.bytes()), ledgers)
    assert len(built) == 1  # the table of the first unit's kind, compared again
    assert [(p.place, p.message, p.hint) for p in check.errors] == [
        (place, "锁定的内容被改动：现为「改过的目标」", f"请恢复为下发时的内容「{issued[:30]}」")
    ]
