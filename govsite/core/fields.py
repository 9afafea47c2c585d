"""A small typed reader over a :class:`~checks.yamlio.YamlDoc` that records Chinese schema problems with lines."""

from __future__ import annotations

import datetime as dt
from typing import Any

from checks.findings import Finding, whole_line
from checks.yamlio import KeyPath, YamlDoc, as_date

_TYPE_NAMES = {str: "文本", int: "整数", bool: "true/false", list: "列表", dict: "键值表"}


class FieldReader:
    """Reads fields of a mapping, collecting ``schema.*`` findings instead of raising."""

    def __init__(self, doc: YamlDoc, path: str, what: str) -> None:
        self.doc = doc
        self.path = path
        self.what = what  # e.g. "单位文件" / "稿件头部"
        self.problems: list[Finding] = []

    def problem(self, keypath: KeyPath, rule: str, message: str, suggestion: str | None = None) -> None:
        self.problems.append(
            whole_line(self.path, self.doc.line(*keypath), "schema", rule, "error", message, suggestion)
        )

    @staticmethod
    def label(keypath: KeyPath) -> str:
        out = ""
        for part in keypath:
            out += f"[{part + 1}]" if isinstance(part, int) else (("." if out else "") + str(part))
        return out or "（根）"

    def duplicate_keys(self) -> None:
        """A key written twice in one mapping: YAML keeps the second silently, the editor is told."""
        for keypath, first, second in self.doc.duplicates:
            self.problems.append(whole_line(
                self.path, second, "schema", "schema.duplicate-key", "error",
                f"{self.what}中“{self.label(keypath)}”写了两次（第 {first} 行和第 {second} 行），只有后一个生效。"
                "请删除多余的一行。"))

    def mapping(self, value: Any, keypath: KeyPath) -> dict[Any, Any]:
        if isinstance(value, dict):
            return value
        if value is not None:
            self.problem(keypath, "schema.type", f"{self.what}中“{self.label(keypath)}”应为键值表（key: value）。")
        return {}

    def unknown_keys(self, mapping: dict[Any, Any], allowed: set[str] | tuple[str, ...], keypath: KeyPath) -> None:
        for key in mapping:
            if key not in allowed:
                self.problem(
                    keypath + (key,),
                    "schema.unknown-key",
                    f"{self.what}中有未知字段“{key}”。允许的字段：{'、'.join(allowed)}。请检查拼写或删除该字段。",
                )

    def get(self, mapping: dict[Any, Any], key: str, keypath: KeyPath, kind: type, required: bool = False,
            choices: tuple[Any, ...] | None = None) -> Any:
        kp = keypath + (key,)
        if key not in mapping or mapping[key] is None:
            if required:
                self.problem(kp if key in mapping else keypath, "schema.missing",
                             f"{self.what}缺少必填字段“{self.label(kp)}”。")
            return None
        value = mapping[key]
        if kind is str and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)  # phone numbers and post codes typed without quotes
        if kind is dt.date:
            date = as_date(value)
            if date is None:
                self.problem(kp, "schema.date",
                             f"{self.what}中“{self.label(kp)}”的值“{value}”不是有效日期，请写成 YYYY-MM-DD，例如 2026-11-20。")
            return date
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            self.problem(kp, "schema.type",
                         f"{self.what}中“{self.label(kp)}”应为{_TYPE_NAMES.get(kind, kind.__name__)}，实际为“{value}”。")
            return None
        if kind is str:
            value = str(value).strip()
            if required and not value:
                self.problem(kp, "schema.missing", f"{self.what}中“{self.label(kp)}”不能为空。")
                return None
        if choices is not None and value not in choices:
            self.problem(kp, "schema.choice",
                         f"{self.what}中“{self.label(kp)}”的值“{value}”无效，只能是：{'、'.join(map(str, choices))}。")
            return None
        return value

    def items(self, mapping: dict[Any, Any], key: str, keypath: KeyPath) -> list[tuple[KeyPath, dict[Any, Any]]]:
        """The entries of a list of mappings, each with its key path."""
        value = mapping.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(keypath + (key,), "schema.type", f"{self.what}中“{self.label(keypath + (key,))}”应为列表。")
            return []
        out = []
        for i, item in enumerate(value):
            kp = keypath + (key, i)
            if isinstance(item, dict):
                out.append((kp, item))
            else:
                self.problem(kp, "schema.type", f"{self.what}中“{self.label(kp)}”应为键值表。")
        return out
