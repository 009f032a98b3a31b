"""Problems found in user input, reported all at once and in Chinese.

A ``Problem`` names the file and the place in it (``line:column`` for YAML,
``sheet!cell`` for a workbook), the field, what is wrong and how to fix it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One problem in an input file (输入问题)."""

    file: Path
    place: str  # "12:5" (line:column) or "台账!F7"
    field: str  # the field path, e.g. "sections[1].items[0].responsible[2]"
    message: str  # what is wrong
    hint: str = ""  # how to fix it
    # Something still to fill in (a placeholder, a group's members): an unfinished plan
    # may be converted to a workbook to be finished there, but not issued.
    unfinished: bool = False

    @property
    def line(self) -> int | None:
        head = self.place.split(":", 1)[0]
        return int(head) if head.isdigit() else None

    def format(self) -> str:
        where = f"{self.file}:{self.place}" if self.place else str(self.file)
        field = f" [{self.field}]" if self.field else ""
        hint = f"\n    修改方法：{self.hint}" if self.hint else ""
        return f"{where}{field}\n    问题：{self.message}{hint}"


class InputError(Exception):
    """Raised with every problem of a run; the CLI prints them and exits with status 2."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=_sort_key)
        super().__init__(f"{len(self.problems)} 个问题")

    def report(self) -> str:
        lines = [p.format() for p in self.problems]
        lines.append(f"共发现 {len(self.problems)} 个问题，未写出任何文件。请修改后重新运行。")
        return "\n".join(lines)


def _sort_key(problem: Problem) -> tuple[str, int, str]:
    line = problem.line if problem.line is not None else 0
    return (str(problem.file), line, problem.place)
