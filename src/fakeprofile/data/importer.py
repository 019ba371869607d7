"""`fakeprofile import`: a CSV, JSON or JSON Lines export of another system, turned into records
of the input schema by a small mapping file, so the pipeline can train on it.

A mapping (YAML) names, per schema field (dotted for nested ones: `activity.posts`), the source
column it comes from (dotted for nested JSON: `user.followers_count`), or a constant, with the
date format, boolean values or label values it needs. What a source does not have stays missing:
nothing is invented (a source giving only the length of a text gives no text). Every source row
is either written or rejected with its line and the reason; columns the mapping does not use are
named, so a forgotten one is noticed. Shipped mappings (by name): see `mappings/` beside this file.

    format: csv | tsv | json | jsonl        # optional: taken from the file name
    header: false                           # CSV/TSV without a header line ...
    columns: [user_id, created_at, ...]     # ... then these are its column names
    missing: ["", "NA", "null"]             # source values that mean "missing"
    files:                                  # optional constants per input file name
      content_polluters.txt: {label: fake}
    fields:
      profile_id: user_id                   # a column (or `{line: true}`: file name and line)
      followers: userFollowerCount
      activity.posts: {column: statuses}
      created_at: {column: created, date_format: "%Y-%m-%d %H:%M:%S"}
      has_photo: {column: default_profile_image, "true": [false], "false": [true]}
      label: {column: isFake, values: {fake: [1], genuine: [0]}}
      fake_kind: {constant: polluter}
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import yaml

from fakeprofile.data import schema
from fakeprofile.data.io import atomic_path, check_targets, iter_lines
from fakeprofile.errors import UserError

MAPPINGS = Path(__file__).parent / "mappings"
MISSING = ("", "NA", "N/A", "NaN", "nan", "null", "NULL", "None")
TRUE = (True, 1, "1", "true", "True", "TRUE", "yes", "Yes", "y")
FALSE = (False, 0, "0", "false", "False", "FALSE", "no", "No", "n")
MAX_JSON_BYTES = 1 << 30  # a JSON array is parsed whole; larger exports should be JSON Lines
FORMATS = {".csv": "csv", ".tsv": "tsv", ".txt": "tsv", ".json": "json", ".jsonl": "jsonl"}


def _field_types() -> dict[str, pa.DataType]:
    """Every mappable schema field as a dotted path, with its Arrow type (lists are not
    mappable: a source's positions and schools need their own converter)."""
    out = {}
    for f in schema.ARROW_SCHEMA:
        if f.name == "extra":
            continue
        if pa.types.is_struct(f.type):
            out |= {f"{f.name}.{g.name}": g.type for g in f.type}
        elif not pa.types.is_list(f.type):
            out[f.name] = f.type
    return out


FIELDS = _field_types()


@dataclass
class Mapping:
    """A parsed mapping file."""

    fields: dict[str, dict[str, Any]]
    format: str | None = None
    header: bool = True
    columns: list[str] | None = None
    missing: tuple = MISSING
    files: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, path_or_name: str | Path) -> Mapping:
        """From a YAML file, or a shipped mapping by name (`instafake`, `twitter-api-user`)."""
        path = Path(path_or_name)
        if not path.is_file():
            shipped = MAPPINGS / f"{path_or_name}.yaml"
            if not shipped.is_file():
                names = ", ".join(sorted(p.stem for p in MAPPINGS.glob("*.yaml")))
                raise UserError(f"mapping not found: {path_or_name} (shipped ones: {names})")
            path = shipped
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise UserError(f"mapping {path} is not valid YAML: {exc}") from exc
        if not isinstance(raw, dict) or not isinstance(raw.get("fields"), dict):
            raise UserError(f"mapping {path} needs a 'fields:' section (schema field: column)")
        fields = {}
        for name, spec in raw["fields"].items():
            if name not in FIELDS:
                raise UserError(f"mapping {path}: {name!r} is not a schema field")
            spec = {"column": spec} if isinstance(spec, str) else spec
            if not isinstance(spec, dict) or not ({"column", "constant", "line"} & set(spec)):
                raise UserError(f"mapping {path}: {name} needs a column, a constant or line")
            fields[name] = spec
        if "profile_id" not in fields:
            raise UserError(f"mapping {path}: profile_id must be mapped (a column or line: true)")
        fmt = raw.get("format")
        if fmt is not None and fmt not in ("csv", "tsv", "json", "jsonl"):
            raise UserError(f"mapping {path}: format must be csv, tsv, json or jsonl, not {fmt!r}")
        return cls(
            fields=fields,
            format=fmt,
            header=bool(raw.get("header", True)),
            columns=raw.get("columns"),
            missing=tuple(raw.get("missing", MISSING)),
            files={str(k): dict(v or {}) for k, v in (raw.get("files") or {}).items()},
        )

    def used_columns(self) -> set[str]:
        return {str(s["column"]) for s in self.fields.values() if "column" in s}


class Unmappable(ValueError):
    """A row that cannot be turned into a record (the message is its reason)."""


def _lookup(row: dict[str, Any], path: str) -> Any:
    """A column, or a dotted path into nested JSON objects; None if absent."""
    if path in row:
        return row[path]
    value: Any = row
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _convert(name: str, spec: dict[str, Any], value: Any) -> Any:
    """One source value as the schema field `name` wants it; Unmappable if it cannot be."""
    kind = FIELDS[name]
    if name == "label":
        for label, accepted in (
            spec.get("values") or {lab: [lab] for lab in schema.LABELS}
        ).items():
            if label not in schema.LABELS:
                raise UserError(f"mapping: label values must map to fake or genuine, not {label!r}")
            if value in accepted or str(value) in [str(a) for a in accepted]:
                return label
        raise Unmappable(f"label: {value!r} is none of the mapped label values")
    if pa.types.is_boolean(kind):
        true, false = spec.get("true", TRUE), spec.get("false", FALSE)
        if value in true or str(value) in [str(t) for t in true]:
            return True
        if value in false or str(value) in [str(f) for f in false]:
            return False
        raise Unmappable(f"{name}: {value!r} is not a mapped true or false value")
    if pa.types.is_integer(kind):
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise Unmappable(f"{name}: {value!r} is not a whole number") from None
        if not number.is_integer():
            raise Unmappable(f"{name}: {value!r} is not a whole number")
        return int(number)
    if pa.types.is_floating(kind):
        try:
            return float(value)
        except (TypeError, ValueError):
            raise Unmappable(f"{name}: {value!r} is not a number") from None
    if pa.types.is_date(kind) or pa.types.is_timestamp(kind):
        when = _when(name, spec, value)
        if pa.types.is_date(kind):
            return when.date().isoformat() if isinstance(when, datetime) else when.isoformat()
        if isinstance(when, datetime):
            return (when if when.tzinfo else when.replace(tzinfo=UTC)).isoformat()
        return datetime(when.year, when.month, when.day, tzinfo=UTC).isoformat()
    if isinstance(value, dict | list):
        raise Unmappable(f"{name}: a nested value where text is expected")
    return str(value)


def _when(name: str, spec: dict[str, Any], value: Any) -> date | datetime:
    fmt = spec.get("date_format")
    text = str(value).strip()
    try:
        if fmt == "unix":
            return datetime.fromtimestamp(float(text), tz=UTC)
        if fmt:
            return datetime.strptime(text, fmt)
        return datetime.fromisoformat(text) if len(text) > 10 else date.fromisoformat(text)
    except (ValueError, OverflowError, OSError):
        want = f"the format {fmt!r}" if fmt else "ISO 8601"
        raise Unmappable(f"{name}: {value!r} is not a date in {want}") from None


def map_row(
    row: dict[str, Any], mapping: Mapping, constants: dict[str, Any], where: str
) -> dict[str, Any]:
    """One source row as an input record (nested sections as dicts); Unmappable if it can't be."""
    record: dict[str, Any] = {}
    for name, spec in mapping.fields.items():
        if name in constants:
            value = constants[name]
        elif "constant" in spec:
            value = spec["constant"]
        elif spec.get("line"):
            value = where
        else:
            value = _lookup(row, str(spec["column"]))
        if value is None or (isinstance(value, str) and value.strip() in mapping.missing):
            if name in ("profile_id", "label"):
                raise Unmappable(f"{name} is missing")
            continue
        value = _convert(name, spec, value)
        section, _, sub = name.partition(".")
        if sub:
            record.setdefault(section, {})[sub] = value
        else:
            record[name] = value
    for name, value in constants.items():  # per-file constants of fields the mapping lacks
        if name not in mapping.fields:
            if name not in FIELDS:
                raise UserError(f"mapping: files: {name!r} is not a schema field")
            record[name] = _convert(name, {}, value)
    return record


def _format(path: Path, mapping: Mapping) -> str:
    if mapping.format:
        return mapping.format
    name = path.name.removesuffix(".gz")
    fmt = FORMATS.get(Path(name).suffix.lower())
    if fmt is None:
        raise UserError(f"cannot tell the format of {path}: set 'format:' in the mapping")
    return fmt


def read_rows(
    path: Path, mapping: Mapping, max_line_bytes: int
) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    """(line or record number, row as a dict or None, reason if None) for each source row."""
    fmt = _format(path, mapping)
    if fmt == "jsonl":
        for line_no, raw in iter_lines(path, max_line_bytes):
            if raw is None:
                yield line_no, None, f"line longer than {max_line_bytes} bytes"
                continue
            try:
                row = json.loads(raw)
            except ValueError as exc:
                yield line_no, None, f"not valid JSON: {exc}"
                continue
            yield (line_no, row, "") if isinstance(row, dict) else (line_no, None, "not an object")
    elif fmt == "json":
        if path.stat().st_size > MAX_JSON_BYTES:
            raise UserError(f"{path} is over {MAX_JSON_BYTES >> 20} MiB: export it as JSON Lines")
        try:
            data = json.loads(path.read_bytes())
        except (ValueError, UnicodeDecodeError) as exc:
            raise UserError(f"{path} is not valid JSON: {exc}") from exc
        if isinstance(data, dict):  # {"users": [...]} and the like: the one list inside
            lists = [v for v in data.values() if isinstance(v, list)]
            data = lists[0] if len(lists) == 1 else [data]
        if not isinstance(data, list):
            raise UserError(f"{path}: expected a JSON array of objects")
        for i, row in enumerate(data, 1):
            yield (i, row, "") if isinstance(row, dict) else (i, None, "not an object")
    else:
        yield from _csv_rows(path, mapping, "\t" if fmt == "tsv" else ",", max_line_bytes)


def _csv_rows(
    path: Path, mapping: Mapping, delimiter: str, max_line_bytes: int
) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    names = list(mapping.columns) if mapping.columns else None
    if not mapping.header and not names:
        raise UserError(f"{path}: a mapping for a file without header needs 'columns:'")
    for line_no, raw in iter_lines(path, max_line_bytes):
        if raw is None:
            yield line_no, None, f"line longer than {max_line_bytes} bytes"
            continue
        try:
            values = next(csv.reader(io.StringIO(raw.decode("utf-8")), delimiter=delimiter))
        except (csv.Error, UnicodeDecodeError, StopIteration) as exc:
            yield line_no, None, f"not a readable {delimiter!r}-separated line: {exc}"
            continue
        if names is None:  # the header line
            names = [v.strip() for v in values]
            continue
        if mapping.header and line_no == 1 and mapping.columns:
            continue  # a header line, named in the mapping instead
        if len(values) != len(names):
            yield line_no, None, f"{len(values)} columns where the header has {len(names)}"
            continue
        yield line_no, dict(zip(names, values, strict=True)), ""


@dataclass
class Counts:
    read: int = 0
    written: int = 0
    rejected: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    unused: set[str] = field(default_factory=set)


def _inputs(paths: list[Path], mapping: Mapping) -> list[Path]:
    """Files to read: the given ones; for a folder, its files the mapping names (or all)."""
    out = []
    for p in paths:
        if p.is_dir():
            files = sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith("."))
            if mapping.files:
                files = [f for f in files if f.name in mapping.files]
            if not files:
                raise UserError(f"no input files in {p}")
            out += files
        elif p.is_file():
            out.append(p)
        else:
            raise UserError(f"input not found: {p}")
    return out


def run(
    inputs: list[str | Path],
    mapping: Mapping,
    output: str | Path,
    rejects: str | Path,
    max_line_bytes: int = 1 << 20,
) -> Counts:
    """Map every row of `inputs` to `output` (JSON Lines, input schema); rejects with reasons."""
    files = _inputs([Path(p) for p in inputs], mapping)
    check_targets(
        {f"input {i}": f for i, f in enumerate(files)}, {"output": output, "rejects": rejects}
    )
    counts, seen_ids, seen_cols = Counts(), set(), set()
    used = mapping.used_columns()
    with (
        atomic_path(output) as tmp_out,
        atomic_path(rejects) as tmp_rej,
        open(tmp_out, "w", encoding="utf-8") as out,
        open(tmp_rej, "w", encoding="utf-8") as rej,
    ):
        for path in files:
            constants = mapping.files.get(path.name, {})
            for line_no, row, reason in read_rows(path, mapping, max_line_bytes):
                counts.read += 1
                where = f"{path.name}:{line_no}"
                if row is not None:
                    seen_cols |= set(row)
                    try:
                        record = map_row(row, mapping, constants, where)
                        if record["profile_id"] in seen_ids:
                            raise Unmappable("profile_id seen before (a duplicate)")
                        schema.Profile.model_validate(record)
                    except Unmappable as exc:
                        reason = str(exc)
                    except ValueError as exc:  # pydantic: out of the schema's range
                        reason = "; ".join(
                            f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                            for e in exc.errors()  # type: ignore[attr-defined]
                        )
                    else:
                        seen_ids.add(record["profile_id"])
                        out.write(json.dumps(record, ensure_ascii=False) + "\n")
                        counts.written += 1
                        continue
                counts.rejected += 1
                key = reason.split(":")[0] if ": " in reason else reason
                counts.reasons[key] = counts.reasons.get(key, 0) + 1
                rej.write(json.dumps({"file": path.name, "line": line_no, "reason": reason}) + "\n")
    # A nested column counts as used when the mapping takes a path inside it.
    counts.unused = {
        c for c in seen_cols if c not in used and not any(u.startswith(c + ".") for u in used)
    }
    return counts
