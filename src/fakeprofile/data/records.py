"""The per-record path of validation: one raw JSON line parsed by pydantic (schema.Profile) and
checked against schema.Rules, with a reason for each rejected line."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ValidationError

from fakeprofile.data import schema
from fakeprofile.data.safepath import UnsafePath, check_photo
from fakeprofile.data.schema import Rules


def _pydantic_reason(exc: ValidationError) -> str:
    err = exc.errors(include_url=False)[0]
    loc = ".".join(str(p) for p in err["loc"]) or "record"
    if err["type"] == "json_invalid":
        return f"malformed JSON: {err['msg']}"
    if err["type"] == "model_type" and not err["loc"]:
        return "record is not a JSON object"
    more = f" (+{exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{loc}: {err['msg']}{more}"


def readable_id(raw: bytes) -> str | None:
    """The profile_id of a rejected line, if it can be read at all (for the rejects file)."""
    try:
        obj = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    pid = obj.get("profile_id") if isinstance(obj, dict) else None
    return pid[:200] if isinstance(pid, str) else None


def _at(obj: BaseModel, path: str, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted name, value) of the non-null values at `path`, one per list item."""
    head, _, rest = path.partition(".")
    value = getattr(obj, head, None)
    if value is None:
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield from _at(item, rest, f"{prefix}{head}.{i}.")
    elif rest:
        yield from _at(value, rest, f"{prefix}{head}.")
    else:
        yield prefix + head, value


def check_rules(p: schema.Profile, rules: Rules) -> str | None:
    """The reason `p` must be rejected, or None."""
    if rules.require_label and p.label is None:
        return "label: required for training data ('fake' or 'genuine')"
    for path in rules.dated:
        for name, d in _at(p, path):
            d = d.date() if isinstance(d, datetime) else d
            if d > rules.as_of:
                return f"{name}: date {d} is in the future"
            if d < rules.earliest_date:
                return f"{name}: date {d} is implausibly early"
    for list_name, start, end in rules.ordered:
        for i, item in enumerate(getattr(p, list_name) or []):
            a, b = getattr(item, start), getattr(item, end)
            if isinstance(a, date) and isinstance(b, date) and b < a:
                return f"{list_name}.{i}: ends before it starts"
    photo = getattr(p, rules.photo_field)
    if photo is not None:
        try:
            check_photo(photo, rules.photo_dir)
        except UnsafePath as exc:
            return f"photo: {exc}"
    return None


def check_line(raw: bytes | None, rules: Rules) -> tuple[schema.Profile | None, str | None]:
    """Parse and check one raw line: (profile, None) if valid, else (None, reason)."""
    if raw is None:
        return None, "line too long"
    if isinstance(raw, str):  # io.Unreadable: the reason it could not be read
        return None, str(raw)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 text (byte {exc.start})"
    try:
        profile = schema.Profile.model_validate_json(raw)
    except ValidationError as exc:
        return None, _pydantic_reason(exc)
    except (ValueError, RecursionError) as exc:  # pragma: no cover - parser limits
        return None, f"malformed JSON: {exc}"
    if (key := schema.duplicate_key(raw)) is not None:
        return None, f"duplicate key: {key_text(key)} appears twice in one object"
    reason = check_rules(profile, rules)
    return (None, reason) if reason else (profile, None)


def key_text(key: str, limit: int = 60) -> str:
    """A key name from the input, safe to print and to keep: control and format characters
    (ANSI escapes, newlines, bidirectional overrides) and lone surrogates as escapes, and
    capped in length."""
    out = "".join(
        repr(c)[1:-1] if unicodedata.category(c)[0] in "CZ" and c != " " else c for c in key[:limit]
    )
    return out + ("..." if len(key) > limit else "")


@dataclass
class Reject:
    line: int
    profile_id: str | None
    reason: str

    def to_json(self) -> str:
        """One JSON line. An id or reason holding a lone surrogate (JSON can write "\\ud800",
        UTF-8 cannot) is written with ASCII escapes instead of failing the whole run."""
        text = json.dumps(self.__dict__, ensure_ascii=False)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = json.dumps(self.__dict__, ensure_ascii=True)
        return text


Line = tuple[int, bytes | None]


def check_lines(
    lines: Iterable[Line], rules: Rules, unknown: set[str] | None = None
) -> tuple[list[dict], list[int], list[Reject]]:
    """Check a batch of (line number, raw line): the valid rows (for schema.rows_to_table), their
    line numbers, and the rejects; the valid rows' unknown keys (schema.unknown_keys) are added
    to `unknown`. Duplicates are not looked for here (see `validate.Dedup`), so batches can be
    checked in any process and in any order."""
    rows: list[dict[str, Any]] = []
    line_nos: list[int] = []
    rejects: list[Reject] = []
    for line_no, raw in lines:
        profile, reason = check_line(raw, rules)
        if profile is None:
            pid = readable_id(raw) if isinstance(raw, bytes) else None
            rejects.append(Reject(line_no, pid, reason))
        else:
            rows.append(schema.to_row(profile))
            line_nos.append(line_no)
            if unknown is not None:  # pydantic drops nested unknown keys: read them here
                schema.add_names(unknown, schema.unknown_keys_in(raw))
    return rows, line_nos, rejects
