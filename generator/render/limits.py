"""A Jinja sandbox that also bounds CPU time and memory.

Jinja's ``SandboxedEnvironment`` stops attribute tricks (``__class__``,
``__globals__`` …) but not work: ``{{ 9**9**9 }}``, ``{{ 'x' * 10**9 }}`` or two
nested ``range(99999)`` loops would hang or exhaust memory while a template
edited in Word is being rendered. ``LimitedSandbox`` refuses such work before it
is done and raises ``LimitExceeded`` (a ``SecurityError``) with a Chinese message
naming the limit:

- ``range()`` gives at most ``MAX_RANGE`` items;
- ``**`` and ``*`` on integers give at most ``MAX_INTEGER_BITS`` bits;
- a value built by ``*``, ``+``, ``%``, ``~``, a string method or a filter, and a
  value about to be printed, holds at most ``MAX_VALUE_SIZE`` characters or items;
- one render (all its parts, counted in a context variable the caller sets with
  ``budget()``) makes at most ``MAX_LOOP_STEPS`` loop iterations and at most
  ``MAX_CALLS`` function and macro calls (a call costs some thirty loop steps);
- ``include``, ``import`` and ``extends`` are refused: a template part stands alone.

The rendered size of a part (``MAX_PART_CHARACTERS``) is checked by the engine,
which sees the output as it is produced.
"""

from __future__ import annotations

import re
import string
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any

from jinja2 import Environment, nodes, pass_context, pass_environment, pass_eval_context
from jinja2 import filters as jinja_filters
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.nodes import EvalContext
from jinja2.runtime import Context, LoopContext, markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

__all__ = [
    "MAX_CALLS",
    "MAX_INTEGER_BITS",
    "MAX_LOOP_STEPS",
    "MAX_PART_CHARACTERS",
    "MAX_RANGE",
    "MAX_VALUE_SIZE",
    "LimitExceeded",
    "LimitedSandbox",
    "budget",
    "check_printable",
]

MAX_RANGE = 10_000
MAX_INTEGER_BITS = 4_096  # about 1 233 decimal digits
MAX_VALUE_SIZE = 1_000_000
MAX_LOOP_STEPS = 1_000_000
MAX_CALLS = 100_000
MAX_PART_CHARACTERS = 50_000_000

# Filter names a template cannot type (":" is not part of a Jinja name): the code
# generator inserts them around every loop and every "~".
LOOP_GUARD = "plandocs:loop"
CONCAT_GUARD = "plandocs:concat"
# Measuring a nested value visits its items; every tenth counts as a loop step so
# that measuring big lists over and over in a loop still runs into MAX_LOOP_STEPS.
ITEMS_PER_STEP = 10

_SIZED = (str, bytes, list, tuple, set, frozenset)
# Every name getattr() finds on a plain dict (its type's attributes and methods).
_DICT_ATTRIBUTES = frozenset(dir(dict))
# The public methods of a plain str the sandbox hands out as they are (it wraps format and
# format_map, and refuses names with an underscore): ``b.text.endswith('：')`` in a loop.
_PLAIN_STR_METHODS = frozenset(n for n in dir(str) if not n.startswith("_")) - {
    "format",
    "format_map",
}
_BUILTIN_METHOD = types.BuiltinMethodType  # "".endswith and the like
# What Jinja adds to a call made in a loop or block; Context.call drops them.
_JINJA_CALL_ARGUMENTS = frozenset({"_loop_vars", "_block_vars"})
# A for loop's ``loop.last`` and the like: numbers and flags the sandbox hands out as they
# are (previtem and nextitem, which are items, still go through its checks).
_LOOP_PROPERTIES = frozenset(
    {"index", "index0", "revindex", "revindex0", "first", "last", "length", "depth", "depth0"}
)
# %-formatting conversions: "%(name)-12.3f" → the width and precision digits.
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")


class LimitExceeded(SecurityError):
    """The template asked for more work or memory than a document can need (Chinese)."""


class _Budget:
    """Loop steps and calls one render has made so far; shared by all its parts."""

    def __init__(self) -> None:
        self.steps = 0
        self.calls = 0

    def step(self, amount: int) -> None:
        self.steps += amount
        if self.steps > MAX_LOOP_STEPS:
            raise LimitExceeded(
                f"循环次数超过上限 {MAX_LOOP_STEPS:,} 次，模板中可能有过大或嵌套过多的循环"
            )

    def call(self) -> None:
        self.calls += 1
        if self.calls > MAX_CALLS:
            raise LimitExceeded(
                f"函数和宏的调用次数超过上限 {MAX_CALLS:,} 次，模板中可能有递归的宏"
            )


_BUDGET: ContextVar[_Budget | None] = ContextVar("plandocs_render_budget", default=None)


@contextmanager
def budget() -> Iterator[None]:
    """Count the operations of everything rendered inside the ``with`` block together."""
    token = _BUDGET.set(_Budget())
    try:
        yield
    finally:
        _BUDGET.reset(token)


def _step(amount: int = 1) -> None:
    # Outside a render (Jinja folding constants while compiling) nothing is counted.
    current = _BUDGET.get()
    if current is not None and amount:
        current.step(amount)


def _call() -> None:
    current = _BUDGET.get()
    if current is not None:
        current.call()


# --- sizes --------------------------------------------------------------------------------


def value_size(value: Any, limit: int = MAX_VALUE_SIZE) -> int:
    """Characters plus items ``value`` holds, nested values included, counted to past ``limit``.

    Strings cost their length; lists, tuples, sets and mappings their length plus
    their items'. The walk stops as soon as the total exceeds ``limit``, so even a
    value that shares one list a million times is measured quickly.
    """
    total, visited = 0, 0
    pending = [value]
    while pending and total <= limit:
        item = pending.pop()
        visited += 1
        if isinstance(item, str | bytes):
            total += len(item)
        elif isinstance(item, Mapping):
            total += len(item)
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            total += len(item)
            pending.extend(item)
        else:
            total += 1
    _step(visited // ITEMS_PER_STEP)
    return total


def _check_size(size: int, what: str) -> None:
    if size > MAX_VALUE_SIZE:
        raise LimitExceeded(
            f"{what}得到的文字或列表过长（超过上限 {MAX_VALUE_SIZE:,} 个字符或元素）"
        )


def check_printable(value: Any) -> None:
    """A non-string value is turned into text only if that text cannot be huge."""
    if not isinstance(value, str):
        _check_size(value_size(value), "输出的值")


def _short(value: Any) -> str:
    text = repr(value) if isinstance(value, int | float) else type(value).__name__
    return text if len(text) <= 20 else f"{text[:17]}…"


def _check_power(base: Any, exponent: Any) -> None:
    if not (isinstance(base, int) and isinstance(exponent, int) and exponent > 0):
        return
    if max(abs(base).bit_length(), 1) * exponent > MAX_INTEGER_BITS:
        raise LimitExceeded(
            f"乘方 {_short(base)} ** {_short(exponent)} 的结果过大"
            f"（整数不得超过 {MAX_INTEGER_BITS:,} 个二进制位）"
        )


def _repeat_count(left: Any, right: Any) -> tuple[Any, int] | None:
    """(sequence, times) when ``left * right`` repeats a string or list."""
    if isinstance(left, _SIZED) and isinstance(right, int):
        return left, right
    if isinstance(right, _SIZED) and isinstance(left, int):
        return right, left
    return None


def _check_product(left: Any, right: Any) -> None:
    if isinstance(left, int) and isinstance(right, int):
        if left.bit_length() + right.bit_length() > MAX_INTEGER_BITS:
            raise LimitExceeded(
                f"乘法 {_short(left)} * {_short(right)} 的结果过大"
                f"（整数不得超过 {MAX_INTEGER_BITS:,} 个二进制位）"
            )
        return
    repeat = _repeat_count(left, right)
    if repeat is not None and repeat[1] > 0:
        sequence, times = repeat
        _check_size(value_size(sequence) * times, "重复字符串或列表（*）")


def _check_format_numbers(numbers: Iterable[str], what: str) -> None:
    for number in numbers:
        if number == "*" or (number and int(number) > MAX_VALUE_SIZE):
            raise LimitExceeded(
                f"{what}中的宽度或精度过大或取自参数（宽度不得超过 {MAX_VALUE_SIZE:,}）"
            )


def _check_percent(template: str, arguments: Any) -> None:
    numbers = [n for found in _PERCENT_SPEC.findall(template) for n in found]
    _check_format_numbers(numbers, "格式化（%）")
    _check_size(len(template) + value_size(arguments), "格式化（%）")


def _check_format_method(template: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    """``'{:>99999999}'.format(x)``: the widths in the format string, and what is filled in."""
    try:
        specs = [spec or "" for _, _, spec, _ in string.Formatter().parse(template)]
    except ValueError:
        return  # str.format itself reports the malformed string
    if any("{" in spec for spec in specs):
        raise LimitExceeded("format 的格式说明中不能再嵌套 {}（宽度须直接写数字）")
    _check_format_numbers(re.findall(r"\d+", " ".join(specs)), "format 格式")
    _check_size(len(template) + value_size((args, kwargs)), "format 格式化")


def _check_binop(operator: str, left: Any, right: Any) -> None:
    if operator == "**":
        _check_power(left, right)
    elif operator == "*":
        _check_product(left, right)
    elif operator == "+" and isinstance(left, _SIZED) and isinstance(right, _SIZED):
        _check_size(value_size(left) + value_size(right), "连接（+）")
    elif operator == "%" and isinstance(left, str):
        _check_percent(left, right)


# --- string methods -------------------------------------------------------------------------


def _argument(args: tuple[Any, ...], kwargs: Mapping[str, Any], index: int, name: str) -> Any:
    return args[index] if len(args) > index else kwargs.get(name)


def _replaced_size(text: str, old: Any, new: Any, count: Any) -> int:
    if not isinstance(old, str) or not isinstance(new, str):
        return len(text)
    hits = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    return len(text) + hits * max(len(new) - len(old), 0)


def _padded_size(text: str, width: Any) -> int:
    return width if isinstance(width, int) else len(text)


def _translated_size(text: str, table: Any) -> int:
    values = table.values() if isinstance(table, Mapping) else ()
    longest = max((len(v) for v in values if isinstance(v, str)), default=1)
    return len(text) * max(longest, 1)


def _string_method_size(text: str, name: str, args: tuple[Any, ...], kwargs: Any) -> int | None:
    """The longest result ``text.name(*args)`` can have, for methods that can grow text."""
    if name in ("ljust", "rjust", "center", "zfill"):
        return _padded_size(text, _argument(args, kwargs, 0, "width"))
    if name == "expandtabs":
        tab = _argument(args, kwargs, 0, "tabsize")
        return len(text) + text.count("\t") * (tab if isinstance(tab, int) else 8)
    if name == "replace":
        old, new = _argument(args, kwargs, 0, "old"), _argument(args, kwargs, 1, "new")
        return _replaced_size(text, old, new, _argument(args, kwargs, 2, "count"))
    if name == "translate":
        return _translated_size(text, _argument(args, kwargs, 0, "table"))
    return None


def _guard_call(obj: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> tuple[Any, ...]:
    """Check a call that could build a huge string; returns the arguments to call with."""
    owner = getattr(obj, "__self__", None)
    wrapped = getattr(getattr(obj, "__wrapped__", None), "__self__", None)
    if isinstance(obj, LoopContext) and args:
        # loop(children) in a recursive for: its items count like any loop's.
        return (_counted(args[0]), *args[1:])
    if isinstance(wrapped, str):  # the sandbox's wrapper of str.format / format_map
        _check_format_method(wrapped, args, kwargs)
    elif isinstance(owner, str):
        return _guard_string_method(owner, getattr(obj, "__name__", ""), args, kwargs)
    return args


def _guard_string_method(
    owner: str, name: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]
) -> tuple[Any, ...]:
    """:func:`_guard_call` of ``owner.name(*args)``, a string's method."""
    if name == "join" and args:
        items = list(args[0])
        size = value_size(items) + len(owner) * len(items)
        _check_size(size, "join")
        return (items, *args[1:])
    size = _string_method_size(owner, name, args, kwargs)
    if size is not None:
        _check_size(size, f"字符串方法 {name}")
    return args


def _counted(iterable: Iterable[Any]) -> Iterator[Any]:
    for item in iterable:
        _step()
        yield item


def _limited_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise LimitExceeded(f"range() 产生 {len(numbers):,} 个数，超过上限 {MAX_RANGE:,} 个")
    return numbers


# --- filters --------------------------------------------------------------------------------


def _measured(function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that refuses to turn a huge (nested) value into text."""
    # Filters marked pass_context/pass_eval_context/pass_environment get that first.
    position = 1 if getattr(function, "jinja_pass_arg", None) is not None else 0

    @wraps(function)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if len(args) > position:
            check_printable(args[position])
        return function(*args, **kwargs)

    return guarded


def _center(value: Any, width: int = 80) -> str:
    _check_size(_padded_size(str(value), width), "center 过滤器")
    return jinja_filters.do_center(value, width)


def _indent(value: Any, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    text = str(value)
    step = width if isinstance(width, int) else len(str(width))
    _check_size(len(text) + (text.count("\n") + 1) * step, "indent 过滤器")
    return jinja_filters.do_indent(value, width, first, blank)


def _format(value: str, *args: Any, **kwargs: Any) -> str:
    _check_percent(str(value), (args, kwargs))
    return jinja_filters.do_format(value, *args, **kwargs)


@pass_eval_context
def _replace(
    eval_ctx: EvalContext, value: str, old: str, new: str, count: int | None = None
) -> str:
    _check_size(_replaced_size(str(value), str(old), str(new), count), "replace 过滤器")
    return jinja_filters.do_replace(eval_ctx, value, old, new, count)


@pass_eval_context
def _join(eval_ctx: EvalContext, value: Iterable[Any], d: str = "", attribute: Any = None) -> str:
    items = list(value)
    _check_size(value_size(items) + len(str(d)) * len(items), "join 过滤器")
    return jinja_filters.sync_do_join(eval_ctx, items, d, attribute)


def _batch(value: Iterable[Any], linecount: int, fill_with: Any = None) -> Iterator[list[Any]]:
    _check_size(linecount if isinstance(linecount, int) else 0, "batch 过滤器")
    return jinja_filters.do_batch(value, linecount, fill_with)


def _slice(value: Iterable[Any], slices: int, fill_with: Any = None) -> Iterator[list[Any]]:
    _check_size(slices if isinstance(slices, int) else 0, "slice 过滤器")
    return jinja_filters.sync_do_slice(value, slices, fill_with)


@pass_environment
def _wordwrap(
    environment: Environment,
    value: str,
    width: int = 79,
    break_long_words: bool = True,
    wrapstring: str | None = None,
    break_on_hyphens: bool = True,
) -> str:
    text = str(value)
    wrap = len(wrapstring) if isinstance(wrapstring, str) else 1
    _check_size(len(text) * (1 + wrap), "wordwrap 过滤器")
    return jinja_filters.do_wordwrap(
        environment, value, width, break_long_words, wrapstring, break_on_hyphens
    )


@pass_context
def _loop_guard(context: Context, iterable: Iterable[Any]) -> Iterator[Any]:
    """Around every ``{% for %}``'s iterable: each item is one loop step."""
    return _counted(iterable)


@pass_context
def _concat_guard(context: Context, values: list[Any]) -> str:
    """``a ~ b``: what Jinja's own concatenation does, once the result is known to be small."""
    for value in values:
        check_printable(value)
    parts = [value if isinstance(value, str) else str(value) for value in values]
    _check_size(sum(map(len, parts)), "连接（~）")
    return markup_join(parts) if context.eval_ctx.autoescape else str_join(parts)


# Filters whose arguments, not their input, decide how big the result gets.
_SIZED_FILTERS: dict[str, Callable[..., Any]] = {
    "center": _center,
    "indent": _indent,
    "format": _format,
    "replace": _replace,
    "join": _join,
    "batch": _batch,
    "slice": _slice,
    "wordwrap": _wordwrap,
}


# --- the environment ------------------------------------------------------------------------


def _filtered(node: nodes.Expr, name: str) -> nodes.Filter:
    return nodes.Filter(node, name, [], [], None, None, lineno=node.lineno)


class _Guards(NodeTransformer):
    """Route every loop's iterable and every ``~`` through the guard filters."""

    def visit_For(self, node: nodes.For) -> nodes.For:
        self.generic_visit(node)
        node.iter = _filtered(node.iter, LOOP_GUARD)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Filter:
        self.generic_visit(node)
        return _filtered(nodes.List(node.nodes, lineno=node.lineno), CONCAT_GUARD)


_ELSEWHERE = (nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)
_NO_OTHER_TEMPLATES = "模板中不能使用 include、import、from 或 extends 引用其他模板"


class _GuardedCodeGenerator(CodeGenerator):
    """Jinja's code generator, after inserting the guards into the template's tree."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        for statement in node.find_all(_ELSEWHERE):
            self.fail(_NO_OTHER_TEMPLATES, statement.lineno)
        guarded = _Guards().visit(node)
        guarded.set_environment(self.environment)
        super().visit_Template(guarded, frame)


class LimitedSandbox(ImmutableSandboxedEnvironment):
    """Sandboxed (and lists, dicts and sets immutable), with the work limits above."""

    code_generator_class = _GuardedCodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.globals["range"] = _limited_range
        # lipsum(n, …) writes as much random Latin as asked; no document needs it.
        self.globals.pop("lipsum", None)
        self.filters = {name: _measured(f) for name, f in self.filters.items()}
        self.filters.update({name: _measured(f) for name, f in _SIZED_FILTERS.items()})
        self.filters[LOOP_GUARD] = _loop_guard
        self.filters[CONCAT_GUARD] = _concat_guard

    def getattr(self, obj: Any, attribute: str) -> Any:
        # ``b.text`` on a plain dict: the sandbox's getattr would first raise and catch an
        # AttributeError, most of a render's cost. A dict has no other attributes than
        # its type's, so for any other name the result is the item, as there.
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except LookupError:
                return self.undefined(obj=obj, name=attribute)
        if (type(obj) is str and attribute in _PLAIN_STR_METHODS) or (
            type(obj) is LoopContext and attribute in _LOOP_PROPERTIES
        ):
            # What the sandbox's checks come to for these (an exact str, not Markup).
            return getattr(obj, attribute)
        return super().getattr(obj, attribute)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        _call()
        if type(obj) is _BUILTIN_METHOD and type(obj.__self__) is str:
            # A plain str's method: the sandbox's call would check it is safe, pass it no
            # context and drop Jinja's own arguments, so after the guards it is only called.
            named = {k: v for k, v in kwargs.items() if k not in _JINJA_CALL_ARGUMENTS}
            return obj(*_guard_string_method(obj.__self__, obj.__name__, args, named), **named)
        return super().call(context, obj, *_guard_call(obj, args, kwargs), **kwargs)
