"""The input schema: one profile (with the invitation it sent) per JSON Lines record.

The schema is code (pydantic) so that validation, the published JSON Schema (`fakeprofile schema`,
`docs/schema.json`) and the Arrow table layout used by every later stage come from one place.

Every field but `profile_id` is optional, and a field a source does not have is *missing* (null),
never zero or empty: the features turn missing input into NaN and the model learns from that.
Limits (lengths, list sizes) are the product's own and are part of the published schema, so a
hostile record cannot smuggle a 50 MB "about" text into feature extraction.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import pyarrow as pa
import pydantic_core
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from fakeprofile.config import DEFAULTS

# Field limits. Generous compared with what the network itself allows (a headline is 220 characters,
# an about text 2,600), so honest data never hits them; hostile data does.
SHORT_TEXT = 300
LONG_TEXT = 10_000
MAX_ITEMS = 200

ShortText = Annotated[str, StringConstraints(max_length=SHORT_TEXT)]
LongText = Annotated[str, StringConstraints(max_length=LONG_TEXT)]
COUNT_MAX = 1_000_000_000
ID_MAX = 200  # characters of a profile_id
WINDOW_MAX_DAYS = 100_000


def _not_bool(value: Any) -> Any:
    """JSON true/false is not a number: pydantic would take `true` as a count of 1."""
    if isinstance(value, bool):
        raise ValueError("true/false is not a number")
    return value


NotBool = BeforeValidator(_not_bool)
Count = Annotated[int, Field(ge=0, le=COUNT_MAX), NotBool]

LABELS = ("fake", "genuine")


@dataclass(frozen=True)
class Rules:
    """What makes a parsed record acceptable beyond its types. Both validators (records.py,
    pydantic; validate_arrow.py, Arrow) read the rules from here, in this order."""

    # Dates that must lie in [earliest_date, as_of], as dotted paths (a list's items share
    # their list's path). An education end date may lie ahead: an expected graduation.
    dated: ClassVar[tuple[str, ...]] = (
        "created_at",
        "invitation.sent_at",
        "experience.start",
        "education.start",
    )
    # (list, start, end): an item of the list may not end before it starts
    ordered: ClassVar[tuple[tuple[str, str, str], ...]] = (("experience", "start", "end"),)
    photo_field: ClassVar[str] = "photo"  # a path that must stay inside `photo_dir`

    photo_dir: Path | None = None
    require_label: bool = False
    as_of: date = field(
        default_factory=lambda: DEFAULTS.validation.as_of or datetime.now(UTC).date()
    )
    earliest_date: date = DEFAULTS.validation.earliest_date


class _Strict(BaseModel):
    """Nested sections: unknown keys are ignored, types are checked."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False)


class Experience(_Strict):
    """One position in the experience section."""

    title: ShortText | None = None
    company: ShortText | None = None
    location: ShortText | None = None
    start: date | None = None
    end: date | None = Field(None, description="null for a current position")
    description: LongText | None = None


class Education(_Strict):
    """One entry in the education section."""

    school: ShortText | None = None
    degree: ShortText | None = None
    field: ShortText | None = None
    start: date | None = None
    end: date | None = None
    description: LongText | None = None


class Sections(_Strict):
    """Counts of entries in the other public profile sections."""

    certifications: Count | None = None
    volunteering: Count | None = None
    recommendations: Count | None = None
    projects: Count | None = None
    publications: Count | None = None
    courses: Count | None = None
    honors: Count | None = None
    organizations: Count | None = None
    interests: Count | None = None


class Activity(_Strict):
    """Public activity counts over a window of `window_days` (null: over the account's lifetime)."""

    posts: Count | None = None
    articles: Count | None = None
    comments: Count | None = None
    reactions: Count | None = None
    shares: Count | None = None
    window_days: Annotated[int, Field(gt=0, le=WINDOW_MAX_DAYS), NotBool] | None = None


class Invitation(_Strict):
    """The connection invitation this profile sent (absent for plain profile data)."""

    message: LongText | None = Field(None, description="the personal note; null for none")
    sent_at: datetime | None = None
    mutual_connections: Count | None = None
    invitations_sent_last_7d: Count | None = None
    acceptance_rate: Annotated[float, Field(ge=0.0, le=1.0), NotBool] | None = Field(
        None, description="share of the sender's past invitations that were accepted"
    )


class Profile(BaseModel):
    """A member profile, labelled for training or unlabelled for scoring."""

    model_config = ConfigDict(extra="allow", title="fakeprofile input record")

    profile_id: Annotated[str, StringConstraints(min_length=1, max_length=ID_MAX)]
    label: Literal["fake", "genuine"] | None = Field(
        None, description="required for training, absent when scoring"
    )
    fake_kind: ShortText | None = Field(
        None, description="kind of fake; only for metric breakdowns"
    )
    name: ShortText | None = None
    username: ShortText | None = None
    headline: ShortText | None = None
    location: ShortText | None = None
    website: ShortText | None = None
    created_at: date | None = Field(None, description="account creation date")
    photo: ShortText | None = Field(
        None, description="image path relative to the photo folder; null for no photo"
    )
    has_photo: bool | None = Field(
        None, description="for sources that only know whether a photo exists"
    )
    about: LongText | None = None
    experience: Annotated[list[Experience], Field(max_length=MAX_ITEMS)] | None = None
    education: Annotated[list[Education], Field(max_length=MAX_ITEMS)] | None = None
    skills: Annotated[list[ShortText], Field(max_length=MAX_ITEMS)] | None = None
    languages: Annotated[list[ShortText], Field(max_length=MAX_ITEMS)] | None = None
    sections: Sections | None = None
    connections: Count | None = None
    followers: Count | None = None
    following: Count | None = None
    activity: Activity | None = None
    invitation: Invitation | None = None


def json_schema() -> dict[str, Any]:
    """The published JSON Schema of one input record."""
    return Profile.model_json_schema()


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


# --- Derived from the models: the Arrow layout and the limits the fast validator checks -------
# Validated records are stored as Parquet in the layout the models give, so that every stage (and
# the scorer, which validates raw records the same way) hands features the same columns and
# types; validate_arrow checks the limits read here, so a field or limit is written only above.


@dataclass(frozen=True)
class Spec:
    """One field as its pydantic annotation states it: kind, limits, and children."""

    name: str
    kind: str  # str, int, float, bool, date, datetime, list or model
    arrow: pa.DataType
    required: bool = False
    min_length: int = 0  # characters of a text, items of a list
    max_length: int | None = None
    low: float | None = None  # ge, or gt when `open_low`
    open_low: bool = False
    high: float | None = None  # le
    choices: tuple[str, ...] | None = None  # a Literal
    item: Spec | None = None  # of a list
    fields: tuple[Spec, ...] = ()  # of a model


_ARROW = {
    str: pa.string(),
    int: pa.int64(),
    float: pa.float64(),
    bool: pa.bool_(),
    date: pa.date32(),
    datetime: pa.timestamp("us", tz="UTC"),
}


def _spec(name: str, annotation: Any, required: bool = False, meta: tuple = ()) -> Spec:
    """The Spec of one annotation: Annotated limits collected, Optional unwrapped."""
    limits: dict[str, Any] = {}

    def collect(m: Any) -> None:
        for inner in getattr(m, "metadata", None) or ():  # a FieldInfo inside Annotated
            collect(inner)
        for attr, key in (("min_length", "min_length"), ("max_length", "max_length")):
            if getattr(m, attr, None) is not None:
                limits[key] = getattr(m, attr)
        if getattr(m, "ge", None) is not None:
            limits["low"] = m.ge
        if getattr(m, "gt", None) is not None:
            limits.update(low=m.gt, open_low=True)
        if getattr(m, "le", None) is not None:
            limits["high"] = m.le

    for m in meta:
        collect(m)
    tp = annotation
    while True:
        origin = typing.get_origin(tp)
        if origin is Annotated:
            tp, *extra = typing.get_args(tp)
            for m in extra:
                collect(m)
        elif origin in (typing.Union, types.UnionType):
            (tp,) = [a for a in typing.get_args(tp) if a is not type(None)]
        else:
            break
    if origin is list:
        item = _spec("", typing.get_args(tp)[0], required=True)
        return Spec(name, "list", pa.list_(item.arrow), required, item=item, **limits)
    if origin is Literal:
        choices = typing.get_args(tp)
        return Spec(name, "str", pa.string(), required, choices=choices, **limits)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        fields = model_specs(tp)
        arrow = pa.struct([(f.name, f.arrow) for f in fields])
        return Spec(name, "model", arrow, required, fields=fields, **limits)
    return Spec(name, tp.__name__, _ARROW[tp], required, **limits)


def model_specs(model: type[BaseModel]) -> tuple[Spec, ...]:
    """The Specs of a model's fields, in their order."""
    return tuple(
        _spec(n, f.annotation, f.is_required(), tuple(f.metadata))
        for n, f in model.model_fields.items()
    )


PROFILE = model_specs(Profile)
SECTION_NAMES = tuple(Sections.model_fields)
ACTIVITY_NAMES = ("posts", "articles", "comments", "reactions", "shares")

ARROW_SCHEMA = pa.schema(
    [(f.name, f.arrow) for f in PROFILE]
    + [("extra", pa.string())]  # unknown fields, kept verbatim as a JSON object
)

KNOWN_FIELDS = frozenset(Profile.model_fields)
Known = dict[str, "Known | None"]  # field name -> its own fields (None for a plain value)


def _known(type_: pa.DataType) -> Known | None:
    """The field names of an Arrow type as nested dicts, a list's items standing for the list:
    what unknown_keys walks, with a dict look-up per key instead of Arrow calls (on the path
    that validates line by line)."""
    while pa.types.is_list(type_):
        type_ = type_.value_type
    return {f.name: _known(f.type) for f in type_} if pa.types.is_struct(type_) else None


# The input fields (the columns but `extra`) and theirs, for unknown_keys.
INPUT_FIELDS: Known = {f.name: _known(f.type) for f in ARROW_SCHEMA if f.name != "extra"}


def unknown_keys(value: Any, known: Known = INPUT_FIELDS, prefix: str = "") -> Iterator[str]:
    """The keys of a parsed JSON record that the schema does not have, at any depth, as dotted
    paths ("invitation.msg"; a list's items share their list's path). Validation ignores them
    (nested) or keeps them aside (top level); naming them lets a misnamed field be noticed.
    Only valid records are asked about, so a value has the shape its field's type says."""
    if isinstance(value, list):
        for item in value:
            yield from unknown_keys(item, known, prefix)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in known:
                yield prefix + key
            elif (inner := known[key]) is not None and isinstance(item, dict | list):
                yield from unknown_keys(item, inner, f"{prefix}{key}.")


MAX_NAMED = 100  # unknown field names kept per run (a hostile file can hold millions)


def add_names(names: set[str], new: Iterator[str] | list[str]) -> None:
    """Add unknown field names to `names`, up to MAX_NAMED in all (each cut to 200
    characters): enough to notice a misnamed field, bounded whatever the input holds."""
    for name in new:
        if len(names) >= MAX_NAMED:
            return
        names.add(name[:200])


def unknown_keys_in(raw: bytes) -> Iterator[str]:
    """unknown_keys of one JSON line, parsed by pydantic's own parser: for lines validated one
    by one (the model drops nested unknown keys) or read by Arrow without theirs."""
    return unknown_keys(pydantic_core.from_json(raw))


def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """json.loads' object_pairs_hook: an object, or DuplicateKey for a key given twice."""
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise DuplicateKey(key)
        seen[key] = value
    return seen


class DuplicateKey(ValueError):
    """A key given twice in one JSON object."""


def duplicate_key(raw: bytes) -> str | None:
    """The first key given twice in one object of `raw`, if any. JSON parsers keep the last
    one, so a later `"invitation": {"message": "hi"}` could hide the note a reviewer sees."""
    try:
        json.loads(raw, object_pairs_hook=no_duplicates)
    except DuplicateKey as exc:
        return str(exc)
    except (ValueError, RecursionError):
        return None
    return None


def extra_json(extra: dict[str, Any]) -> str | None:
    """Unknown fields as kept in the `extra` column: a JSON object, or None if there are none."""
    return json.dumps(extra, ensure_ascii=False, default=str) if extra else None


def to_row(profile: Profile) -> dict[str, Any]:
    """A validated profile as a row of ARROW_SCHEMA (unknown fields folded into `extra`)."""
    row = profile.model_dump(exclude=set(profile.model_extra or {}))
    row["extra"] = extra_json(profile.model_extra or {})
    sent = row["invitation"] and row["invitation"].get("sent_at")
    if isinstance(sent, datetime) and sent.tzinfo is None:
        row["invitation"]["sent_at"] = sent.replace(tzinfo=UTC)
    return row


def rows_to_table(rows: list[dict[str, Any]]) -> pa.Table:
    """Rows from `to_row` as an Arrow table of ARROW_SCHEMA."""
    return pa.Table.from_pylist(rows, schema=ARROW_SCHEMA)


def empty_table() -> pa.Table:
    return ARROW_SCHEMA.empty_table()
