"""The exported scoring model: feature transformer, fitted model (classifier, calibration and
thresholds) and neutral values in one object, plus the manifest that vouches for the file; and
`load`, the one way to load it, which the batch command, the Spark engine, the MLflow pyfunc and
the Python API (`fakeprofile.load_model`) all use.

The file is written with skops, not pickle: loading it builds only the types on an explicit
trusted list (this package's model classes, scikit-learn's and numpy's) and calls no function
named by the file, so a tampered file cannot run code even with a re-hashed manifest (a sha256
checks integrity, not authenticity). `load` also refuses a file whose sha256 does not match the
manifest beside it, or whose version and kind differ from the manifest's.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import skops.io

from fakeprofile.config import DEFAULTS
from fakeprofile.data.check import check_input
from fakeprofile.errors import UserError
from fakeprofile.features import ProfileFeatures, invitation, registry
from fakeprofile.features.frame import to_table
from fakeprofile.inference import explain, model_uri
from fakeprofile.kernels import warmup
from fakeprofile.modeling.fitted import Trained

MANIFEST = "manifest.json"
# What scoring gives per record, in this order (`score` as a DataFrame, `score_arrow` as a table).
OUTPUT_SCHEMA = pa.schema(
    [
        ("profile_id", pa.string()),
        ("score", pa.float64()),
        ("decision", pa.string()),
        ("reasons", pa.list_(pa.string())),
        ("model_version", pa.string()),
    ]
)


@dataclass
class FakeProfileModel:
    """Raw profile records in; calibrated probability of "fake", a decision and reasons out."""

    featurizer: ProfileFeatures
    trained: Trained
    version: str
    neutral: pd.Series  # per feature: the median of genuine members in the training part
    min_effect: float = DEFAULTS.export.min_effect  # smallest rise named as a reason

    def __getstate__(self) -> dict[str, Any]:
        """The state as skops stores it: the neutral values as names and a float array (skops
        cannot store a pandas Series)."""
        state = dict(self.__dict__)
        state["neutral"] = {
            "names": [str(n) for n in self.neutral.index],
            "values": self.neutral.to_numpy(dtype=np.float64),
        }
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        neutral = state.get("neutral")
        if isinstance(neutral, dict):
            neutral = pd.Series(neutral["values"], index=neutral["names"], dtype=np.float64)
        self.__dict__.update({**state, "neutral": neutral})

    def features(self, records: Any, photo_dir: str | Path | None = None) -> pd.DataFrame:
        self.featurizer.set_params(photo_dir=photo_dir)
        return self.featurizer.transform(records)

    def predict_proba(self, records: Any, photo_dir: str | Path | None = None) -> np.ndarray:
        return self.trained.proba(self.features(records, photo_dir))

    def score(self, records: Any, photo_dir: str | Path | None = None) -> pd.DataFrame:
        """One row per record, in order: profile_id, score, decision, reasons, model_version.

        `records` are profiles in the input schema: a list of dicts, a DataFrame or an Arrow
        table. They are validated as `fakeprofile score` validates a file: a row that is not
        valid gets decision "error" and the reason in the `error` column."""
        checked = check_input(records, photo_dir)
        table = checked.table
        if not table.num_rows:  # every record was rejected
            return checked.answers(pd.DataFrame(), self.version)
        p, decision, reasons = self.verdicts(self.features(table, photo_dir))
        scored = pd.DataFrame(
            {
                "profile_id": table.column("profile_id").to_pylist(),
                "score": p,
                "decision": decision,
                "reasons": reasons,
                "model_version": self.version,
            }
        )
        return checked.answers(scored, self.version)

    def score_arrow(self, records: Any, photo_dir: str | Path | None = None) -> pa.Table:
        """`score` as an Arrow table of OUTPUT_SCHEMA: what batch scoring writes, and sends
        between processes. Arrow columns cross a pipe as a few buffers, where a DataFrame's
        strings and lists of reasons are pickled and rebuilt one object at a time."""
        table = to_table(records)
        p, decision, reasons = self.verdicts(self.features(table, photo_dir))
        columns = [
            table.column("profile_id").combine_chunks(),  # to_table gave it OUTPUT's type
            pa.array(p, pa.float64()),
            pa.array(decision, pa.string()),
            pa.array(reasons, pa.list_(pa.string())),
            pa.repeat(pa.scalar(self.version, pa.string()), len(p)),
        ]
        return pa.Table.from_arrays(columns, schema=OUTPUT_SCHEMA)

    def warm(self) -> None:
        """Load now what scoring loads on first use (the word lists and the compiled code), so
        that worker processes forked after this share it instead of each loading its own."""
        registry.load_all(self.featurizer)
        self.compile()

    def compile(self) -> None:
        """Compile (or load from Numba's cache) every loop scoring runs in compiled code: the
        feature kernels (kernels/warmup) and the trees. Needs no word lists."""
        warmup.warm()
        forest = self.trained.forest(list(self.featurizer.get_feature_names_out()))
        if forest is not None:
            forest.warm()

    def verdicts(self, feats: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, list[list[str]]]:
        """Per row of `feats`: calibrated probability of "fake", decision and reasons."""
        p = self.trained.proba(feats)
        decision = self.trained.decide(p, feats)
        # Reasons explain why an invitation was not simply accepted, so accepted rows get none,
        # and skip the extra model evaluations; every other row gets at least one if any sign
        # can be named.
        reasons: list[list[str]] = [[] for _ in range(len(p))]
        floored = self.trained.floored(p, feats)
        rows = np.flatnonzero(decision != "accept")
        if len(rows):
            sub = feats.iloc[rows]
            effect = explain.effects(sub, self.trained.proba_neutral, self.neutral, p[rows])
            found = explain.reasons(
                sub,
                effect,
                self.min_effect,
                decision[rows] == "report",
                typical=self.neutral,
                floored=floored[rows],
                red=invitation.red_flags(sub),
                asked=decision[rows] == "ask",
            )
            for i, r in zip(rows, found, strict=True):
                reasons[i] = r
        return p, decision, reasons


# The only types a model file may hold beyond skops' defaults (numpy, builtins, scikit-learn's
# estimators): loading builds these and nothing else.
TRUSTED = [
    "fakeprofile.inference.predictor.FakeProfileModel",
    "fakeprofile.modeling.fitted.Trained",
    "fakeprofile.modeling.estimators.Platt",
    "fakeprofile.modeling.estimators.DropEmptyColumns",
    "fakeprofile.modeling.estimators.ChecklistRules",
    "fakeprofile.modeling.estimators.RedFlagsRaise",
    "fakeprofile.modeling.estimators.SelectColumns",
    "fakeprofile.features.ProfileFeatures",
    "fakeprofile.features.photo.PhotoIndex",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.tree._tree.Tree",  # the trees of the random-forest kinds (rf, peer)
]


def save_model(model: FakeProfileModel, path: str | Path) -> None:
    """Write `model` in skops' format (a zip of JSON and numpy arrays), which `load` reads
    without running code from the file. The same model always gives the same bytes, so its
    sha256 in the manifest (and DVC's hash of the file) changes only when the model does."""
    Path(path).write_bytes(_stable_bytes(skops.io.dumps(model)))


def _stable_bytes(data: bytes) -> bytes:
    """skops' zip with the names it makes up (Python `id()`s for arrays, random ones for bytes)
    renumbered in order of appearance, members sorted and fixed timestamps."""
    src = zipfile.ZipFile(io.BytesIO(data))
    names: dict[str, str] = {}

    def stable(name: str) -> str:
        suffix = Path(name).suffix
        return names.setdefault(name, f"{len(names) + 1}{suffix}")

    ids: dict[Any, int] = {}

    def renumber(node: Any) -> Any:
        if isinstance(node, list):
            return [renumber(v) for v in node]
        if not isinstance(node, dict):
            return node
        out = {}
        for k, v in node.items():
            if k == "__id__":
                out[k] = ids.setdefault(v, len(ids) + 1)
            elif k == "file" and isinstance(v, str):
                out[k] = stable(v)
            else:
                out[k] = renumber(v)
        return out

    members = {"schema.json": json.dumps(renumber(json.loads(src.read("schema.json")))).encode()}
    for info in src.infolist():
        if info.filename != "schema.json":
            if (
                info.filename not in names
            ):  # a member the schema does not name: keep nothing unknown
                raise UserError(f"cannot save the model: unexpected member {info.filename!r}")
            members[names[info.filename]] = src.read(info)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            dst.writestr(info, members[name], compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load(ref: str | Path | model_uri.Fetch) -> FakeProfileModel:
    """The model `ref` names: an exported file, or an MLflow model URI ("models:/fakeprofile@champion",
    "runs:/<run id>/model") whose exported file a child process fetches from the store (see
    model_uri.py), or such a fetch already started (the command line starts it before its own
    imports, so the two overlap). Either way the file is checked as `_load_file` says."""
    if isinstance(ref, model_uri.Fetch) or model_uri.is_uri(ref):
        fetch = ref if isinstance(ref, model_uri.Fetch) else model_uri.Fetch(str(ref))
        try:
            return _load_file(fetch.path())
        finally:
            fetch.cleanup()
    return _load_file(Path(ref))


def _load_file(path: Path) -> FakeProfileModel:
    """Load an exported model after checking its sha256 against the manifest beside it, and
    the model's version and kind against the manifest's. A missing, broken or mismatched file
    or manifest is one line (UserError), never a traceback."""
    manifest_path = path.parent / MANIFEST
    if not path.is_file():
        raise UserError(f"model file not found: {path} (run `make run` to train and export one)")
    if not manifest_path.is_file():
        raise UserError(f"refusing to load {path}: no {MANIFEST} beside it to vouch for the file")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (ValueError, RecursionError) as exc:
        raise UserError(f"refusing to load {path}: {manifest_path} is not valid JSON") from exc
    if not isinstance(manifest, dict):
        raise UserError(f"refusing to load {path}: {manifest_path} is not a JSON object")
    if manifest.get("artifact") != path.name:
        raise UserError(
            f"refusing to load {path}: the manifest describes {manifest.get('artifact')!r}"
        )
    if manifest.get("sha256") != sha256(path):
        raise UserError(
            f"refusing to load {path}: its sha256 does not match the manifest (tampered or corrupt)"
        )
    try:
        untrusted = [t for t in skops.io.get_untrusted_types(file=path) if t not in TRUSTED]
    except Exception as exc:  # empty, truncated, not a skops file (an old pickle): one line
        raise UserError(
            f"cannot load {path}: the file is broken or not a skops model file "
            f"({type(exc).__name__}); export it again"
        ) from exc
    if untrusted:
        raise UserError(
            f"refusing to load {path}: it holds types that are not on the trusted list "
            f"({', '.join(untrusted[:5])}); if an older fakeprofile exported it, export it again"
        )
    try:
        model = skops.io.load(path, trusted=TRUSTED)
    except Exception as exc:  # a broken file whose parts do not fit together
        raise UserError(
            f"cannot load {path}: the file is broken ({type(exc).__name__}); export it again"
        ) from exc
    if not isinstance(model, FakeProfileModel):
        raise UserError(f"{path} does not hold a fakeprofile model")
    kind = getattr(getattr(model, "trained", None), "kind", None)
    if model.version != manifest.get("version") or kind != manifest.get("model_kind"):
        raise UserError(
            f"refusing to load {path}: it holds model {model.version!r} ({kind}), the manifest "
            f"says {manifest.get('version')!r} ({manifest.get('model_kind')})"
        )
    return model
