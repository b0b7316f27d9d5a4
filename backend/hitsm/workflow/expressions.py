"""The safe expression subset a process may contain (gateway conditions, timer values).

The designer's condition builder writes expressions such as ``form.level == "high" and
ticket.priority <= 2``. They are parsed with :mod:`ast`, checked against a small whitelist and
evaluated by walking the tree here — never by ``eval``: no calls except ``filled``/``empty``, no
subscripts, no attribute beyond ``<root>.<field>`` and two levels into its value (``process.hr.ok``),
no name starting with ``_``, only literal constants.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from typing import Any

ROOTS = frozenset({"form", "ticket", "process", "message"})
FUNCTIONS = frozenset({"filled", "empty"})
ISO_DURATION = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$")
MAX_LENGTH = 2000

_COMPARE = {
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}


class UnsafeExpression(ValueError):
    pass


def _literal(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str | int | float | bool) or node.value is None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return isinstance(node.operand, ast.Constant) and isinstance(
            node.operand.value, int | float
        )
    if isinstance(node, ast.List | ast.Tuple):
        return all(_literal(e) for e in node.elts)
    return False


def _check(node: ast.AST) -> None:
    if isinstance(node, ast.Expression):
        _check(node.body)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            _check(value)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        _check(node.operand)
    elif isinstance(node, ast.Compare):
        if not all(type(op) in _COMPARE for op in node.ops):
            raise UnsafeExpression("不支持的比较方式")
        for operand in (node.left, *node.comparators):
            _check_operand(operand)
    elif isinstance(node, ast.Call):
        _check_call(node)
    elif isinstance(node, ast.Attribute | ast.Constant | ast.Name):
        _check_operand(node)
    else:
        raise UnsafeExpression(f"不允许的表达式：{type(node).__name__}")


def _check_call(node: ast.Call) -> None:
    if not (isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS):
        raise UnsafeExpression("只能调用 filled() 或 empty()")
    if len(node.args) != 1 or node.keywords:
        raise UnsafeExpression("filled()/empty() 只接受一个字段")
    _check_operand(node.args[0])


def _check_operand(node: ast.AST) -> None:
    if _literal(node):
        return
    if isinstance(node, ast.Call):
        _check_call(node)
        return
    if isinstance(node, ast.Attribute) and _path(node) is not None:
        return
    raise UnsafeExpression("只能引用 form.<字段>、ticket.<字段>、process.<字段> 或 message.<字段>")


MAX_DEPTH = 3  # root.field, and two levels into a value (process.hr.data, message.account)


def _path(node: ast.Attribute) -> list[str] | None:
    """``process.hr.ok`` → ["process", "hr", "ok"]; None unless it is a root and plain names."""
    names: list[str] = []
    current: ast.AST = node
    while isinstance(current, ast.Attribute):
        if current.attr.startswith("_"):
            return None
        names.append(current.attr)
        current = current.value
    if not (isinstance(current, ast.Name) and current.id in ROOTS) or len(names) > MAX_DEPTH:
        return None
    return [current.id, *reversed(names)]


def expression_check(text: str) -> ast.Expression:
    """Parse and check; raises :class:`UnsafeExpression` with a Chinese reason."""
    text = (text or "").strip()
    if not text:
        raise UnsafeExpression("表达式为空")
    if len(text) > MAX_LENGTH:
        raise UnsafeExpression("表达式过长")
    if ISO_DURATION.match(text.strip("\"'")):
        return ast.Expression(body=ast.Constant(value=text.strip("\"'")))
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        raise UnsafeExpression("表达式语法错误") from None
    _check(tree)
    return tree


def _value(node: ast.AST, context: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_value(node.operand, context)
    if isinstance(node, ast.List | ast.Tuple):
        return [_value(e, context) for e in node.elts]
    if isinstance(node, ast.Attribute):
        path = _path(node)
        if path is None:
            raise UnsafeExpression("不允许的引用")
        value: Any = context
        for name in path:
            value = value.get(name) if isinstance(value, Mapping) else None
        return value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        value = _value(node.args[0], context)
        is_empty = value is None or value == "" or value == [] or value == {}
        return is_empty if node.func.id == "empty" else not is_empty
    raise UnsafeExpression(f"不允许的表达式：{type(node).__name__}")


def _truth(node: ast.AST, context: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.BoolOp):
        if isinstance(node.op, ast.And):
            return all(_truth(v, context) for v in node.values)
        return any(_truth(v, context) for v in node.values)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return not _truth(node.operand, context)
    if isinstance(node, ast.Compare):
        left = _value(node.left, context)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = _value(right_node, context)
            try:
                if not _COMPARE[type(op)](left, right):
                    return False
            except TypeError:  # comparing a missing value or mixed types: the rule is false
                return False
            left = right
        return True
    return _value(node, context)


def expression_evaluate(text: str, context: Mapping[str, Any]) -> Any:
    tree = expression_check(text)
    return _truth(tree.body, context)
