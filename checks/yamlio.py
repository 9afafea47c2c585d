"""YAML loading that remembers where every key came from, so messages can name the line.

Dates that do not exist (2026-02-30) stay strings here, and the schema reports them with their line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # libyaml is much faster; fall back to the pure-Python loader where it is missing
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _BaseLoader = yaml.SafeLoader


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    pass


def _timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)  # type: ignore[arg-type, unused-ignore]
    except ValueError:
        return node.value  # an impossible date stays text; the schema names it


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)

KeyPath = tuple[Any, ...]  # a key path such as ("people", 0, "keys", 1, "valid_until")


@dataclass
class YamlDoc:
    """Loaded data plus ``lines``: key path → 1-based line (offset by ``first_line - 1``)."""

    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)
    # keys written twice in one mapping: (key path, line of the first, line of the second); the second wins
    duplicates: list[tuple[KeyPath, int, int]] = field(default_factory=list)

    def line(self, *path: Any) -> int:
        """The line of ``path``, or of its nearest ancestor that has one."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.lines.get((), 1)


class YamlSyntaxError(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _index_lines(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int], offset: int,
                 duplicates: list[tuple[KeyPath, int, int]]) -> None:
    lines[path] = node.start_mark.line + 1 + offset
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                child = path + (key.value,)
                here = key.start_mark.line + 1 + offset
                if key.value in seen:
                    duplicates.append((child, seen[key.value], here))
                seen[key.value] = here
                _index_lines(value, child, lines, offset, duplicates)
                lines[child] = here
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index_lines(item, path + (i,), lines, offset, duplicates)


MAX_DEPTH = 32        # nesting a page or unit file never needs; deeper input is refused, not recursed into
MAX_NODES = 100_000   # scalars, lists and mappings in one document


def _bounded(node: yaml.Node, first_line: int) -> None:
    """Refuse what would make readers loop or grow without bound: anchors reused by aliases (``&a`` / ``*a``,
    the "billion laughs" and self-reference), nesting deeper than MAX_DEPTH, more than MAX_NODES nodes."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(node, 1)]
    while stack:
        current, depth = stack.pop()
        if id(current) in seen:
            raise YamlSyntaxError("YAML 中使用了锚点和引用（& 与 *）。稿件头部、单位文件和配置中不允许引用，请直接写出内容。",
                                  current.start_mark.line + first_line)
        seen.add(id(current))
        if depth > MAX_DEPTH or len(seen) > MAX_NODES:
            raise YamlSyntaxError(f"YAML 嵌套过深或内容过多（超过 {MAX_DEPTH} 层或 {MAX_NODES} 项），不像是稿件头部或单位文件。"
                                  "请检查缩进和括号是否成对。", current.start_mark.line + first_line)
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in current.value)


def load_yaml(text: str, first_line: int = 1, lines: bool = True) -> YamlDoc:
    """Parse one YAML document; syntax errors raise :class:`YamlSyntaxError` with a Chinese message.

    ``lines=False`` skips the key → line index (every key then reports ``first_line``): the same data,
    for readers that only need the values (the portal's catalogue, the gate, the audit)."""
    offset = first_line - 1
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _bounded(node, first_line)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + offset) if mark else first_line
        problem = exc.problem or exc.context or "格式错误"
        raise YamlSyntaxError(
            f"YAML 格式错误（{problem}）。请检查缩进、冒号后的空格和引号是否成对；含冒号的值请加引号。", line
        ) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"YAML 格式错误：{exc}", first_line) from None
    except ValueError:  # e.g. an integer of more than 4300 digits, which Python refuses to convert
        raise YamlSyntaxError("YAML 中有无法读取的值（例如超过 4300 位的数字）。请把它改为加引号的文本，或删除。",
                              first_line) from None
    finally:
        loader.dispose()
    index: dict[KeyPath, int] = {(): first_line}
    duplicates: list[tuple[KeyPath, int, int]] = []
    if node is not None and lines:
        _index_lines(node, (), index, offset, duplicates)
    return YamlDoc(data=data, lines=index, duplicates=duplicates)


def as_date(value: Any) -> dt.date | None:
    """A YAML date value as ``date`` (datetimes are cut to their date); ``None`` if it is not one."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None
