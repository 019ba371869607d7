"""Settings: params.yaml read into typed models. Every setting and its default is declared here
once; code that needs a default reads it from `DEFAULTS` rather than writing the value again.

Stages still receive a plain nested dict (`load_params`), validated and with defaults filled in,
so `params["train"]["hgb"]` works as before. A misspelt key, a wrong type or a value out of range
is one `UserError` line naming the setting, the value and what is allowed: a misspelt key would
otherwise be ignored silently (`mlflow.enable: false` still logging), a wrong value would fail
later as a traceback that names nothing.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, ValidationError

from fakeprofile.errors import UserError

DEFAULT_PARAMS = Path("params.yaml")


def _no_bool(value: Any) -> Any:
    """YAML's `true` is not a count (pydantic would read it as 1)."""
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    return value


Int = Annotated[int, BeforeValidator(_no_bool)]
Float = Annotated[float, BeforeValidator(_no_bool), Field(allow_inf_nan=False)]
Count = Annotated[Int, Field(ge=1)]
Seed = Annotated[Int, Field(ge=0)]
Share = Annotated[Float, Field(ge=0, le=1)]
Workers = Literal["auto"] | Count  # auto = one process per CPU core this process may use


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Data(Section):
    raw: str = "data/raw/default/profiles.jsonl.gz"
    photos: str = "data/raw/default/photos"
    valid: str = "data/interim/profiles.parquet"
    rejects: str = "data/interim/rejects.jsonl"
    features: str = "data/processed/features.parquet"
    featurizer: str = "data/processed/featurizer.joblib"
    split: str = "data/processed/split.parquet"
    test_profiles: str = "data/processed/test_profiles.parquet"
    trained: str = "models/stages/trained.joblib"
    # A fixed external test file (JSON Lines, like raw): when set it is the test part, validated
    # and featurized like raw, and every row of raw trains; null = the split sets rows aside.
    test: str | None = None
    valid_test: str = "data/interim/test_profiles.parquet"
    rejects_test: str = "data/interim/test_rejects.jsonl"


class Generate(Section):
    n: Count = 20000
    seed: Seed = 42
    fake_share: Share = 0.25
    noise_genuine: Share = 0.01
    noise_fake: Share = 0.004
    reference_date: date = date(2026, 6, 30)
    photo_min_px: Count = 200
    photo_max_px: Count = 400
    stock_pool: Count = 60
    workers: Count = 2
    out: str = "data/raw/default/profiles.jsonl.gz"
    photos: str = "data/raw/default/photos"


class Validate(Section):
    chunk_rows: Count = 10000
    workers: Workers = "auto"
    max_line_bytes: Count = 1048576
    as_of: date | None = None  # dates after this are rejected; None = today
    earliest_date: date = date(1950, 1, 1)


class Features(Section):
    as_of: date | None = None  # account age without an invitation's sent_at; None = missing
    reuse_threshold: Share = 0.07
    min_zipf: Annotated[Float, Field(ge=0)] = 2.0
    max_photo_bytes: Count = 10_000_000
    max_photo_pixels: Count = 40_000_000
    seed: Seed = 0


class Split(Section):
    method: Literal["grouped", "temporal", "cv"] = "grouped"
    val_share: Annotated[Float, Field(ge=0, le=0.9)] = 0.0  # calibration is cross-fitted
    test_share: Annotated[Float, Field(ge=0, le=0.9)] = 0.15
    folds: Annotated[Int, Field(ge=2)] = 5  # cv: every row tested once
    seed: Seed = 42


class Hgb(Section):
    """Passed to HistGradientBoostingClassifier as keyword arguments."""

    max_iter: Count = 300
    learning_rate: Annotated[Float, Field(gt=0)] = 0.06
    max_leaf_nodes: Annotated[Int, Field(ge=2)] = 31
    min_samples_leaf: Count = 40
    l2_regularization: Annotated[Float, Field(ge=0)] = 1.0


class Logreg(Section):
    """Passed to LogisticRegression as keyword arguments."""

    C: Annotated[Float, Field(gt=0)] = 1.0
    max_iter: Count = 3000


class Rf(Section):
    """Passed to RandomForestClassifier as keyword arguments."""

    n_estimators: Count = 200
    min_samples_leaf: Count = 3
    max_features: Literal["sqrt", "log2"] | Annotated[Float, Field(gt=0, le=1)] | None = "sqrt"


class Peer(Section):
    """The peer baseline's RandomForestClassifier (otherwise scikit-learn's defaults)."""

    n_estimators: Count = 100


class Candidate(BaseModel):
    """One `train.auto` entry: a kind and settings over that kind's own section."""

    model_config = ConfigDict(extra="allow")
    kind: Literal["logreg", "hgb", "rf", "peer"]


class ChecklistRules(Section):
    thin_below: Share = 0.35
    misspelled_above: Share = 0.08


class Train(Section):
    model: Literal["rules", "logreg", "hgb", "rf", "peer", "auto"] = "hgb"
    seed: Seed = 42
    folds: Annotated[Int, Field(ge=2)] = 5  # cross-fitting of calibration and thresholds
    rf: Rf = Rf()
    peer: Peer = Peer()
    auto: list[Candidate] = [
        Candidate(kind="hgb"),
        Candidate(kind="hgb", learning_rate=0.03, max_leaf_nodes=15, min_samples_leaf=10),
        Candidate(kind="rf"),
    ]
    hgb: Hgb = Hgb()
    logreg: Logreg = Logreg()
    rules: ChecklistRules = ChecklistRules()


class Thresholds(Section):
    report_min_precision: Share = 0.99
    accept_max_fake_rate: Share = 0.03
    accept_max_probability: Share = 0.09  # accept only below this calibrated chance of a fake
    red_flag_floor: StrictBool = (
        True  # a note's red flag (pitch, bait, channel move) is never accepted
    )


class Evaluate(Section):
    metrics: str = "reports/metrics.json"  # headline numbers per model (the MLflow run's)
    metrics_dir: str = "reports/metrics"  # the model's headline for DVC (model.json)
    report: str = "reports/segments.json"  # segments, thresholds, top features
    plots_dir: str = "reports/plots"
    figures_dir: str = "reports/figures"
    model_card: str = "reports/model_card.md"
    permutation_repeats: Count = 3


class Export(Section):
    model: str = "models/fakeprofile.joblib"
    min_effect: Share = 0.05


class Score(Section):
    chunk_rows: Count = 2500
    workers: Workers = "auto"


class Mlflow(Section):
    enabled: StrictBool = True
    experiment: str = "fakeprofile"
    registered_model: str = "fakeprofile"
    alias: str = "champion"  # moves only by `fakeprofile promote` or the gate
    challenger_alias: str = "challenger"  # a new version that does not pass the gate
    gate_metric: str | None = "roc_auc"  # better on this, on the same test data; None: promote only
    timeout_s: Annotated[Float, Field(gt=0)] = 10  # a tracking server must answer within this
    retries: Annotated[Int, Field(ge=0)] = 2


class Settings(Section):
    """All of params.yaml. A section or key left out takes the default declared here."""

    train: Train = Train()  # first, as in params.yaml: `dvc exp show` lists params in file order
    data: Data = Data()
    generate: Generate = Generate()
    validation: Validate = Field(Validate(), alias="validate")  # `validate` is BaseModel's
    features: Features = Features()
    split: Split = Split()
    thresholds: Thresholds = Thresholds()
    evaluate: Evaluate = Evaluate()
    export: Export = Export()
    score: Score = Score()
    mlflow: Mlflow = Mlflow()

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


DEFAULTS = Settings()


def keys(model: type[BaseModel] = Settings, prefix: str = "") -> list[str]:
    """Every setting as a dotted key ("train.hgb.learning_rate"), in declaration order."""
    out = []
    for name, f in model.model_fields.items():
        key = prefix + (f.alias or name)
        sub = f.annotation
        out += keys(sub, key + ".") if _is_section(sub) else [key]
    return out


def load_params(
    path: str | Path | None = DEFAULT_PARAMS,
    overrides: Mapping[str, Any] | None = None,
    missing_ok: bool = False,
) -> dict[str, Any]:
    """params.yaml checked against `Settings`, as a plain nested dict with every default filled.

    `overrides` are command-line values by dotted key ({"score.workers": "3"}; None means not
    given): they pass the same checks. With `missing_ok`, a missing file means all defaults.
    """
    raw: dict[str, Any] = {}
    if path is not None:
        path = Path(path)
        if path.is_file():
            raw = _read_yaml(path)
        elif not missing_ok:
            raise UserError(f"{path} not found: run from the repository root or pass --params")
    where = f"{path}: " if path is not None else ""
    # A section whose keys are all commented out reads as null: it takes the defaults.
    raw = {k: {} if v is None else v for k, v in raw.items()}
    settings = _check(raw, where)
    params = settings.model_dump(mode="json", by_alias=True)
    for key, value in (overrides or {}).items():
        if value is not None:  # one at a time, so an error names its own option
            *parents, last = key.split(".")
            node = params
            for p in parents:
                node = node[p]
            node[last] = value
            option = "--" + last.replace("_", "-")
            params = _check(params, f"{option}: ").model_dump(mode="json", by_alias=True)
    return params


def check_section(name: str, values: dict[str, Any]) -> dict[str, Any]:
    """One section given on its own (not read from params.yaml), checked like the file."""
    _check({name: values}, "params.yaml: ")
    return values


def section(params: dict[str, Any], name: str) -> dict[str, Any]:
    """One section of the settings (`load_params` fills every section in)."""
    value = params.get(name)
    if not isinstance(value, dict):
        raise UserError(f"params.yaml has no '{name}:' section")
    return value


def number(
    value: Any,
    name: str,
    kind: type[int] | type[float] = int,
    low: float | None = None,
    high: float | None = None,
) -> Any:
    """A number that is not in params.yaml, checked like one: a wrong type or range is a one-line
    error naming it, not a traceback. Whole numbers must be whole: 2.5 is not read as 2."""
    whole = kind is int
    ok = not isinstance(value, bool) and isinstance(value, int | float | str)
    try:
        out = float(value) if ok else None
    except ValueError:
        out = None
    if out is None or out != out or (whole and not out.is_integer()):
        raise UserError(
            f"params.yaml: {name} must be {'a whole number' if whole else 'a number'}, "
            f"got {value!r}"
        )
    if whole:
        out = value if isinstance(value, int) else int(out)  # big ints stay exact
    if low is not None and out < low:
        raise UserError(f"params.yaml: {name} must be at least {low}, got {value!r}")
    if high is not None and out > high:
        raise UserError(f"params.yaml: {name} must be at most {high}, got {value!r}")
    return out


# -- internals -------------------------------------------------------------------------------
class _Loader(yaml.SafeLoader):
    """YAML with dates left as text, so that `Settings` checks them and names a bad one."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_scalar)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        params = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # a SafeLoader
    except yaml.YAMLError as exc:  # one line: where, and what is wrong there
        mark, problem = getattr(exc, "problem_mark", None), getattr(exc, "problem", None)
        at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise UserError(f"{path} is not valid YAML{at}: {problem or exc}") from exc
    if params is None:
        return {}
    if not isinstance(params, dict):
        raise UserError(f"{path} must hold a mapping of sections")
    return params


def _check(raw: dict[str, Any], where: str) -> Settings:
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        first = _message(errors[0])
        others = {_locate(e["loc"])[0] for e in errors} - {_locate(errors[0]["loc"])[0]}
        more = f" (and {len(others)} more)" if others else ""
        raise UserError(f"{where}{first}{more}") from None


def _is_section(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _locate(loc: tuple) -> tuple[str, Any, type[BaseModel]]:
    """The dotted key an error's location names, its field (None past the known fields) and the
    section that holds it. Locations go on into union members ("int"), which are not keys."""
    model: type[BaseModel] = Settings
    parts: list[str] = []
    field = None
    for part in loc:
        if field is not None:
            if not _is_section(field.annotation):
                break  # a union member's tag, not a key
            model = field.annotation
        parts.append(str(part))
        field = {f.alias or n: f for n, f in model.model_fields.items()}.get(str(part))
        if field is None:
            break
    return ".".join(parts), field, model


def _message(err: dict[str, Any]) -> str:
    key, field, model = _locate(err["loc"])
    if err["type"] == "extra_forbidden":
        names = [f.alias or n for n, f in model.model_fields.items()]
        near = difflib.get_close_matches(key.rsplit(".", 1)[-1], names, n=1, cutoff=0.5)
        prefix = key.rsplit(".", 1)[0] + "." if "." in key else ""
        hint = f"did you mean {prefix}{near[0]}?" if near else f"known: {', '.join(names)}"
        return f"unknown setting {key} ({hint})"
    allowed = _allowed(field.annotation, field.metadata) if field is not None else "valid"
    return f"{key} must be {allowed}, got {err['input']!r}"


def _allowed(tp: Any, metadata: list[Any] = ()) -> str:
    """What a setting of type `tp` accepts, in words: "a number from 0 to 1"."""
    origin = typing.get_origin(tp)
    if origin is Annotated:
        inner, *extra = typing.get_args(tp)
        flat = [m for x in extra for m in (x.metadata if hasattr(x, "metadata") else [x])]
        return _allowed(inner, [*flat, *metadata])
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        words = [_allowed(a) for a in args if a is not type(None)]
        return " or ".join(words + (["null"] if type(None) in args else []))
    if origin is Literal:
        values = [repr(v) for v in typing.get_args(tp)]
        return " or ".join(values) if len(values) < 3 else f"one of {', '.join(values)}"
    if _is_section(tp):
        return "a section of settings (key: value lines)"
    base = {int: "a whole number", float: "a number", bool: "true or false", str: "a text"}.get(
        tp, "a date (YYYY-MM-DD)" if tp is date else str(tp)
    )
    bound = {k: getattr(m, k) for m in metadata for k in ("ge", "gt", "le", "lt") if hasattr(m, k)}
    ge, gt, le, lt = (bound.get(k) for k in ("ge", "gt", "le", "lt"))
    if ge is not None and le is not None:
        return f"{base} from {ge} to {le}"
    words = [
        *([f"at least {ge}"] if ge is not None else []),
        *([f"above {gt}"] if gt is not None else []),
        *([f"at most {le}"] if le is not None else []),
        *([f"below {lt}"] if lt is not None else []),
    ]
    return " ".join([base, *words])
