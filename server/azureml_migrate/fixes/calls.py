"""libcst helpers for rebuilding a call with v2 names while keeping its formatting.

`rebuild_call` keeps each surviving argument's value node and comma (so line breaks and
comments stay where the user had them), renames keywords, turns v1 positional arguments
into keywords (almost every v2 constructor is keyword-only) and appends new keywords in
the style of the existing ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Union

from .lazy import cst

Mapped = Union[str, None, Callable[[Any], Any]]  # v2 keyword, drop, or Arg -> Arg | None


def parse_expr(code: str) -> cst.BaseExpression:
    return cst.parse_expression(code)


def param_of(call: cst.Call, arg: cst.Arg, params: Sequence[str]) -> str | None:
    """The v1 parameter an argument binds to (by keyword, else by position)."""
    if arg.keyword is not None:
        return arg.keyword.value
    if arg.star:
        return None
    index = [a for a in call.args if a.keyword is None and not a.star].index(arg)
    return params[index] if index < len(params) else None


def arg_map(call: cst.Call, params: Sequence[str]) -> dict[str, cst.Arg]:
    out: dict[str, cst.Arg] = {}
    for arg in call.args:
        name = param_of(call, arg, params)
        if name is not None:
            out[name] = arg
    return out


def keyword_arg(name: str, value: cst.BaseExpression, like: cst.Arg | None = None) -> cst.Arg:
    """A `name=value` argument; spacing around `=` copied from `like` when it has one."""
    equal = cst.AssignEqual(
        whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
    )
    if like is not None and like.keyword is not None and isinstance(like.equal, cst.AssignEqual):
        equal = like.equal
    return cst.Arg(value=value, keyword=cst.Name(name), equal=equal)


def rebuild_call(
    call: cst.Call,
    func: cst.BaseExpression,
    params: Sequence[str],
    mapping: dict[str, Mapped],
    *,
    prepend: Sequence[cst.Arg] = (),
    append: Sequence[cst.Arg] = (),
    wrapped_in: str = "",
) -> cst.Call:
    """`call` with `func` as callee and its arguments mapped by v1 parameter name.

    mapping[v1_name] is a v2 keyword name, None to drop the argument, or a function
    returning a replacement Arg (or None to drop).  Unmapped arguments are kept as is.
    `wrapped_in` is the text the caller puts before the new call on its line
    (`ml_client.models.create_or_update(`), so continued arguments stay aligned.
    """
    original = list(call.args)
    kept: list[cst.Arg] = []
    like = next((a for a in original if a.keyword is not None), None)
    for arg in original:
        name = param_of(call, arg, params)
        if name is None or name not in mapping:
            kept.append(arg)
            continue
        target = mapping[name]
        if target is None:
            continue
        if callable(target):
            new = target(arg)
            if new is not None:
                kept.append(new.with_changes(comma=arg.comma))
            continue
        if arg.keyword is not None and arg.keyword.value == target:
            kept.append(arg)
        else:
            kept.append(keyword_arg(target, arg.value, like).with_changes(comma=arg.comma))
    args = _join(list(prepend), kept, list(append), original)
    # Arguments continued under the opening parenthesis (first one on the same line) stay
    # aligned with it when the callee's length changes; hanging indents are left alone.
    module = cst.Module(body=[])
    delta = len(wrapped_in) + len(module.code_for_node(func)) - len(module.code_for_node(call.func))
    if delta and not isinstance(call.whitespace_before_args, cst.ParenthesizedWhitespace):
        args = [_shift(arg, delta) for arg in args]
    return call.with_changes(func=func, args=args)


def _shift(arg: cst.Arg, delta: int) -> cst.Arg:
    comma = arg.comma
    if not isinstance(comma, cst.Comma) or not isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace):
        return arg
    ws = comma.whitespace_after
    if ws.last_line.value.strip(" ") or not ws.last_line.value:
        return arg  # tabs, or a closing parenthesis at the line start: not an alignment
    last = cst.SimpleWhitespace(" " * max(1, len(ws.last_line.value) + delta))
    return arg.with_changes(comma=comma.with_changes(whitespace_after=ws.with_changes(last_line=last)))


def _join(prepend: list[cst.Arg], kept: list[cst.Arg], append: list[cst.Arg], original: list[cst.Arg]) -> list[cst.Arg]:
    """Concatenate argument lists, giving every argument but the last a comma in the call's style."""
    separator = _separator(original)
    trailing = original[-1].comma if original else cst.MaybeSentinel.DEFAULT
    out = [*prepend, *kept, *append]
    fixed: list[cst.Arg] = []
    for i, arg in enumerate(out):
        if i == len(out) - 1:
            fixed.append(arg.with_changes(comma=trailing))
        elif isinstance(arg.comma, cst.Comma) and arg.comma is not trailing:
            fixed.append(arg)
        else:
            fixed.append(arg.with_changes(comma=separator))
    return fixed


def _separator(original: list[cst.Arg]) -> cst.Comma:
    """The comma used between the call's arguments (so one-per-line calls stay that way)."""
    for arg in original[:-1]:
        if isinstance(arg.comma, cst.Comma):
            return arg.comma
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def assignment_line(assign, value: cst.BaseExpression, **changes) -> cst.SimpleStatementLine:
    """`target = <value>` from a small assignment statement, as a line of its own (for statement
    fixes that turn one statement into several)."""
    return cst.SimpleStatementLine(body=[assign.with_changes(value=value, semicolon=cst.MaybeSentinel.DEFAULT)],
                                   **changes)


def string_value(node: cst.BaseExpression) -> str | None:
    """The value of a plain (non-f, non-bytes) string literal."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None
