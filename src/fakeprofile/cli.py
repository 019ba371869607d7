"""The `fakeprofile` command: one subcommand per pipeline stage and per user task.

Stages take their configuration from params.yaml (so DVC knows what each depends on); options on the
command line override it for hand runs. Errors a user can act on print as one line and exit 1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from fakeprofile import __version__
from fakeprofile.config import load_params, section
from fakeprofile.errors import UserError

if TYPE_CHECKING:
    from fakeprofile.features import ProfileFeatures
    from fakeprofile.inference import score

Handler = Callable[[argparse.Namespace], int]


def _date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise UserError(f"not a date (YYYY-MM-DD): {value!r}") from exc


def cmd_schema(args: argparse.Namespace) -> int:
    from fakeprofile.data.schema import json_schema_text

    text = json_schema_text()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from fakeprofile.synth.generate import GenConfig, generate

    params = load_params(args.params, {"generate.n": args.n, "generate.seed": args.seed})
    p = section(params, "generate")
    cfg = GenConfig(
        n=p["n"],
        seed=p["seed"],
        fake_share=p["fake_share"],
        noise_genuine=p["noise_genuine"],
        noise_fake=p["noise_fake"],
        reference_date=_date(p["reference_date"]),
        photo_min_px=p["photo_min_px"],
        photo_max_px=p["photo_max_px"],
        stock_pool=p["stock_pool"],
        with_photos=not args.no_photos,
        workers=p["workers"],
    )
    out = args.output or p["out"]
    photos = args.photos or p["photos"]
    t0 = time.perf_counter()
    from fakeprofile.progress import bar

    with bar(cfg.n, "generating", " profiles") as progress:
        counts = generate(cfg, out, photos, progress=progress.update)
    print(
        f"generated {cfg.n} profiles ({counts['fake']} fake, {counts['genuine']} genuine), "
        f"{counts['photos']} photos in {time.perf_counter() - t0:.1f}s -> {out}, {photos}"
    )
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from fakeprofile.data import validate

    params = load_params(args.params)
    data, p = section(params, "data"), section(params, "validate")
    photos = args.photos if args.photos is not None else (None if args.input else data["photos"])
    rules = validate.Rules(
        photo_dir=Path(photos) if photos else None,
        require_label=not args.unlabelled,
        as_of=_date(p["as_of"]) or validate.Rules().as_of,
        earliest_date=_date(p["earliest_date"]),
    )
    counts = validate.run(
        args.input or data["raw"],
        args.output or data["valid"],
        args.rejects or data["rejects"],
        rules,
        chunk_rows=p["chunk_rows"],
        max_line_bytes=p["max_line_bytes"],
    )
    print(counts.summary())
    for reason, n in sorted(counts.reasons.items(), key=lambda kv: -kv[1]):
        print(f"  rejected {n}: {_shown(reason, 200)}")
    if counts.unknown_fields:
        print(
            _unknown_fields(
                sorted(counts.unknown_fields),
                "unused by the model (top-level ones are kept in the extra column)",
            )
        )
    if counts.damage:
        raise validate.damage_error(counts, "lines")
    if not args.input:
        _validate_test_file(data, rules, p, args.output or data["valid"])
    return 0


def _validate_test_file(data: dict, rules: object, p: dict, valid: str) -> None:
    """The fixed test file (data.test) validated with the same rules into data.valid_test and
    data.rejects_test; without one, both are written empty (they are the stage's outputs)."""
    import pyarrow.parquet as pq

    from fakeprofile.data import schema, validate
    from fakeprofile.data.io import atomic_path

    if not data.get("test"):
        with atomic_path(data["valid_test"]) as tmp:
            pq.write_table(schema.ARROW_SCHEMA.empty_table(), tmp)
        with atomic_path(data["rejects_test"]) as tmp:
            Path(tmp).write_text("", encoding="utf-8")
        return
    counts = validate.run(
        data["test"],
        data["valid_test"],
        data["rejects_test"],
        rules,
        chunk_rows=p["chunk_rows"],
        max_line_bytes=p["max_line_bytes"],
    )
    print(f"test file: {counts.summary()}")
    for reason, n in sorted(counts.reasons.items(), key=lambda kv: -kv[1]):
        print(f"  rejected {n}: {_shown(reason, 200)}")
    if counts.damage:
        raise validate.damage_error(counts, "lines")
    ids = pq.read_table(valid, columns=["profile_id"]).column("profile_id").to_pylist()
    test_ids = pq.read_table(data["valid_test"], columns=["profile_id"]).column("profile_id")
    both = sorted(set(ids) & set(test_ids.to_pylist()))
    if both:
        raise UserError(
            f"{len(both)} profile_id(s) are in both data.raw and data.test (e.g. {both[0]!r}): "
            "a test profile must not also train; remove them from one of the files"
        )


def transformer_from_params(params: dict, photo_dir: str | None) -> ProfileFeatures:
    """The feature transformer, configured from the `features:` section of params.yaml."""
    from fakeprofile.features import ProfileFeatures  # noqa: F811 - heavy import, only when used

    f = section(params, "features")
    return ProfileFeatures(
        photo_dir=photo_dir,
        as_of=f["as_of"],
        reuse_threshold=f["reuse_threshold"],
        min_zipf=f["min_zipf"],
        max_photo_bytes=f["max_photo_bytes"],
        max_photo_pixels=f["max_photo_pixels"],
        seed=f["seed"],
    )


def cmd_featurize(args: argparse.Namespace) -> int:
    from fakeprofile.features import featurize

    params = load_params(args.params)
    data = section(params, "data")
    rows, n_feat, seconds = featurize.run(
        args.input or data["valid"],
        args.output or data["features"],
        transformer_from_params(params, args.photos or data["photos"]),
        data["featurizer"],
        extra=None if args.input else data["valid_test"],
    )
    print(
        f"{rows} profiles -> {n_feat} features in {seconds:.1f}s ({rows / max(seconds, 1e-9):.0f}/s)"
    )
    return 0


def cmd_split(args: argparse.Namespace) -> int:
    from fakeprofile.modeling import split

    params = load_params(args.params)
    data, p = section(params, "data"), section(params, "split")
    counts = split.run(
        data["features"],
        data["valid"],
        data["split"],
        data["test_profiles"],
        p["method"],
        p["val_share"],
        p["test_share"],
        p["seed"],
        p["folds"],
        test_file=data["valid_test"] if data.get("test") else None,
    )
    print(", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from fakeprofile.modeling import train

    params = load_params(args.params)
    data = section(params, "data")
    trained = train.run(
        data["features"],
        data["split"],
        data["featurizer"],
        data["trained"],
        section(params, "train"),
        section(params, "thresholds"),
    )
    for role, t in trained.items():
        if role not in train.ROLES:
            continue  # the cv folds' predictions
        print(f"{role}: {t.kind}, accept below {t.accept_below:.4f}, report at {t.report_at:.4f}")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    import pandas as pd

    from fakeprofile.inference.predictor import sha256
    from fakeprofile.modeling import evaluate

    params = load_params(args.params)
    data, ev = section(params, "data"), section(params, "evaluate")
    results = evaluate.run(
        data["features"],
        data["split"],
        data["trained"],
        data["featurizer"],
        ev,
        ev["permutation_repeats"],
        section(params, "train")["seed"],
    )
    labels = pd.read_parquet(data["features"], columns=["label"])["label"].value_counts().to_dict()
    card = evaluate.model_card(results, section(params, "train"), sha256(data["raw"]), labels)
    Path(ev["model_card"]).write_text(card, encoding="utf-8")
    print(_headline_lines(results["metrics"]))
    return 0


def _headline_lines(metrics: dict) -> str:
    """One line per model: its headline test numbers (decisions only where they mean something)."""
    lines = []
    first = ("model", "baseline", "peer")
    for role in sorted(metrics, key=lambda r: first.index(r) if r in first else len(first)):
        m = metrics[role]
        t = m["test"]
        line = (
            f"{role:>8} ({m['kind']}): ROC AUC {t['roc_auc']:.4f}, PR AUC {t['pr_auc']:.4f}, "
            f"TPR@1%FPR {t['tpr_at_fpr_1pct']:.3f}, Brier {t['brier']:.4f}"
        )
        if "share_accept" in t:
            line += (
                f", accept/ask/report {t['share_accept']:.2f}/{t['share_ask']:.2f}/"
                f"{t['share_report']:.2f}"
            )
        lines.append(line)
    return "\n".join(lines)


def cmd_export(args: argparse.Namespace) -> int:
    import pyarrow.parquet as pq

    from fakeprofile.tracking import export
    from fakeprofile.tracking import runs as tracking

    params = load_params(args.params)
    data, ev, ex = section(params, "data"), section(params, "evaluate"), section(params, "export")
    mlflow_cfg = tracking.check_settings(section(params, "mlflow"))
    manifest = export.run(
        data["featurizer"],
        data["trained"],
        ev["metrics"],
        data["raw"],
        data["features"],
        data["split"],
        ex["model"],
        float(ex["min_effect"]),
        params_sha256=tracking.params_hash(params),
    )
    print(
        f"exported {ex['model']} (version {manifest['version']}, sha256 {manifest['sha256'][:12]})"
    )
    if mlflow_cfg.get("enabled", True):
        example = pq.read_table(data["valid"]).slice(0, 2).drop(["label", "fake_kind", "extra"])
        run_id = tracking.log_run(
            params,
            Path(ev["metrics"]),
            manifest,
            Path(ex["model"]),
            [Path(ev["figures_dir"]), Path(ev["model_card"]), Path(ev["metrics"])],
            _json_records(example),
            mlflow_cfg,
            report_path=Path(ev["report"]) if ev.get("report") else None,
            parts=(Path(data["features"]), Path(data["split"])),
        )
        print(f"MLflow run {run_id} in {tracking.tracking_uri(tracking.repo_root())}")
    else:
        print("MLflow logging is off (mlflow.enabled: false)")
    return 0


def cmd_promote(args: argparse.Namespace) -> int:
    """Move the champion alias to a registered version by hand."""
    from fakeprofile.tracking import runs as tracking

    params = load_params(args.params) if Path(args.params).is_file() else {}
    cfg = params.get("mlflow") or {
        "registered_model": "fakeprofile",
        "alias": "champion",
        "challenger_alias": "challenger",
    }
    uri = tracking.promote(cfg, args.version)
    print(f"{cfg['registered_model']} version {args.version} is now @{cfg['alias']} in {uri}")
    return 0


def _json_records(table: object) -> list[dict]:
    """Arrow rows as JSON-ready dicts (dates as ISO strings), for the MLflow input example."""
    return [json.loads(json.dumps(r, default=str)) for r in table.to_pylist()]


def _workers(value: int | str) -> int:
    """`auto` is one process per CPU core this process may use (settings checked the rest)."""
    if value == "auto":
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return value


def cmd_score(args: argparse.Namespace) -> int:
    from fakeprofile.inference import model_uri

    # A user task: outside the repository (no params.yaml) the defaults serve.
    params = load_params(args.params, {"score.workers": args.workers}, missing_ok=True)
    p = section(params, "score")
    model_ref = args.model or section(params, "export")["model"]
    # A model in the MLflow store is fetched by a child process while this one imports.
    fetch = (
        model_uri.Fetch(model_ref)
        if args.engine != "spark" and model_uri.is_uri(model_ref)
        else None
    )
    from fakeprofile.inference import predictor, score

    output = Path(args.output)
    rejects = args.rejects or str(output.with_name(output.name.split(".")[0] + ".rejects.jsonl"))
    chunk_rows = p["chunk_rows"]
    if args.engine == "spark":
        from fakeprofile.inference import spark

        summary = spark.run(
            args.input,
            str(output),
            model_ref,
            rejects,
            args.photos,
            args.master,
            chunk_rows,
        )
        _print_summary(args, summary, output, rejects, model_ref)
        return 0
    if fetch is not None:
        # The child takes longer than this process's imports. Meanwhile, read the word
        # frequency tables, which scoring loads anyway and which do not depend on the model.
        from fakeprofile.features import lexicon

        lexicon.load_tables()
    model = predictor.load(fetch if fetch is not None else model_ref)
    bar = None
    if not args.quiet and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(
            total=_row_total(Path(args.input)), unit=" rows", desc="scoring", file=sys.stderr
        )
    try:
        summary = score.run(
            args.input,
            output,
            model,
            rejects,
            args.photos,
            chunk_rows,
            progress=bar,
            workers=_workers(p["workers"]),
        )
    finally:
        if bar is not None:
            bar.close()
    _print_summary(args, summary, output, rejects, model.version)
    if summary.damage:
        from fakeprofile.data import validate

        counts = validate.Counts(summary.read, summary.scored, summary.rejected)
        counts.damage = summary.damage
        raise validate.damage_error(counts, "rows")
    return 0


def _shown(text: str, limit: int = 60) -> str:
    """Text from the input (a field name, a reject reason), safe to print on a terminal."""
    from fakeprofile.data.validate import key_text

    return key_text(text, limit)


def _row_total(path: Path) -> int | None:
    """Rows in the input, for the progress bar's total and time left (only counted when a bar is
    shown): Parquet from its footer, JSON Lines by counting lines. None if it cannot be read:
    scoring then reports the problem."""
    try:
        if path.name.endswith(".parquet"):
            import pyarrow.parquet as pq

            return pq.ParquetFile(path).metadata.num_rows
        import gzip

        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "rb") as fh:
            return sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 20), b""))
    except (OSError, EOFError, ValueError):  # scoring reports a bad file properly
        return None


def _print_summary(
    args: argparse.Namespace, summary: score.Summary, output: Path, rejects: str, model: str
) -> None:
    """The run's counts: one line (or one JSON line with --quiet), then where things went."""
    if args.quiet:
        print(
            json.dumps(
                {
                    "read": summary.read,
                    "scored": summary.scored,
                    "rejected": summary.rejected,
                    **summary.decisions,
                    "output": str(output),
                    "rejects": rejects,
                    "ignored_fields": [_shown(n) for n in summary.ignored_fields[:MAX_SHOWN]],
                    "ignored_fields_total": len(summary.ignored_fields),
                }
            )
        )
    else:
        print(summary.line())
        print(f"scores: {output}  rejects: {rejects}  model: {model}")
        if summary.ignored_fields:
            print(_unknown_fields(summary.ignored_fields, "ignored"))


MAX_SHOWN = 8  # unknown field names printed


def _unknown_fields(names: list[str], fate: str) -> str:
    """One line naming input fields that are not in the input schema: a misnamed field would
    otherwise leave every profile scored without it, unnoticed. Names come from strangers:
    escaped (no terminal escapes or line breaks) and capped in length and number."""
    from fakeprofile.data.validate import MAX_NAMED

    more = f", and {len(names) - MAX_SHOWN} more" if len(names) > MAX_SHOWN else ""
    total = f"{MAX_NAMED} or more" if len(names) >= MAX_NAMED else str(len(names))
    return (
        f"{total} input field{'s' if len(names) != 1 else ''} not in the input schema, "
        f"{fate}: {', '.join(_shown(n) for n in names[:MAX_SHOWN])}{more} "
        "(the schema is in the README)"
    )


def cmd_import(args: argparse.Namespace) -> int:
    from fakeprofile.data import importer

    output = Path(args.output)
    rejects = args.rejects or str(output.with_name(output.name.split(".")[0] + ".rejects.jsonl"))
    counts = importer.run(args.input, importer.Mapping.load(args.mapping), output, rejects)
    print(
        f"read {counts.read} rows: {counts.written} written to {output}, "
        f"{counts.rejected} rejected to {rejects}"
    )
    for reason, n in sorted(counts.reasons.items(), key=lambda kv: -kv[1]):
        print(f"  rejected {n}: {reason}")
    if counts.unused:
        names = sorted(counts.unused)
        more = f", and {len(names) - 12} more" if len(names) > 12 else ""
        print(f"{len(names)} source columns not used by the mapping: {', '.join(names[:12])}{more}")
    return 0


def cmd_where(args: argparse.Namespace) -> int:
    """Say where the pipeline's outputs are."""
    params = load_params(args.params)
    data = section(params, "data")
    root = Path.cwd()
    rows = [
        ("raw profiles", data["raw"]),
        ("photos", data["photos"]),
        ("valid profiles", data["valid"]),
        ("rejects", data["rejects"]),
        ("features", data["features"]),
    ]
    rows.append(("model", section(params, "export")["model"]))
    rows.append(("metrics", section(params, "evaluate")["metrics"]))
    rows.append(("model card", section(params, "evaluate")["model_card"]))
    for label, path in rows:
        state = "" if Path(path).exists() else "  (not built yet)"
        print(f"{label:>15}: {root / path}{state}")
    metrics = Path(section(params, "evaluate")["metrics"])
    if metrics.is_file():
        import json

        results = json.loads(metrics.read_text(encoding="utf-8"))
        print("test metrics (synthetic default data unless you changed data.raw):")
        print(_headline_lines(results))
    db = root / "mlflow.db"
    state = (
        "  (browse with `make ui`)" if db.exists() else "  (no runs yet: training is not built yet)"
    )
    print(f"{'MLflow runs':>15}: sqlite:///{db}{state}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fakeprofile",
        description="Detect fake and spammer profiles and screen the invitations they send.",
    )
    parser.add_argument("--version", action="version", version=f"fakeprofile {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, handler: Handler, help_: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help_, description=help_)
        sp.add_argument(
            "--params", default="params.yaml", help="params file (default: %(default)s)"
        )
        sp.set_defaults(handler=handler)
        return sp

    sp = add("schema", cmd_schema, "Print the JSON Schema of an input record.")
    sp.add_argument("--output", help="write to this file instead of standard output")

    sp = add("generate", cmd_generate, "Stage 1: write the embedded default labelled data set.")
    sp.add_argument("--n", type=int, help="number of profiles (default: generate.n)")
    sp.add_argument("--seed", type=int, help="random seed (default: generate.seed)")
    sp.add_argument("--output", help="JSON Lines file to write (default: generate.out)")
    sp.add_argument("--photos", help="photo folder to write (default: generate.photos)")
    sp.add_argument("--no-photos", action="store_true", help="records only, no image files")

    sp = add("validate", cmd_validate, "Stage 2: split raw profiles into valid rows and rejects.")
    sp.add_argument("--input", help="JSON Lines file (.jsonl or .jsonl.gz; default: data.raw)")
    sp.add_argument("--photos", help="photo folder that photo paths are relative to")
    sp.add_argument("--output", help="Parquet file of valid profiles (default: data.valid)")
    sp.add_argument("--rejects", help="JSON Lines file of rejects (default: data.rejects)")
    sp.add_argument("--unlabelled", action="store_true", help="do not require a label")

    sp = add("featurize", cmd_featurize, "Stage 3: compute the feature table of valid profiles.")
    sp.add_argument("--input", help="Parquet of valid profiles (default: data.valid)")
    sp.add_argument("--photos", help="photo folder (default: data.photos)")
    sp.add_argument("--output", help="Parquet feature table (default: data.features)")

    add("split", cmd_split, "Stage 4: train/validation/test parts, grouped by shared photo.")
    add("train", cmd_train, "Stage 5: fit the model and the rule baseline; calibrate; thresholds.")
    add("evaluate", cmd_evaluate, "Stage 6: test metrics, plots, figures and the model card.")
    add("export", cmd_export, "Stage 7: bundle the scoring model and log the run to MLflow.")

    sp = add("score", cmd_score, "Score invitations: probability, decision and reasons per row.")
    sp.add_argument("--input", required=True, help="JSON Lines (.jsonl, .jsonl.gz) or Parquet")
    sp.add_argument("--output", required=True, help="scores: .parquet, .csv or .jsonl")
    sp.add_argument("--photos", help="photo folder that photo paths are relative to")
    sp.add_argument(
        "--model",
        help="model file or MLflow URI such as models:/fakeprofile@champion "
        "(default: export.model)",
    )
    sp.add_argument("--rejects", help="JSON Lines of invalid rows (default: beside the output)")
    sp.add_argument("--quiet", action="store_true", help="no progress bar; one JSON summary line")
    sp.add_argument(
        "--engine",
        choices=("local", "spark"),
        default="local",
        help="local: processes on this machine; spark: a Parquet dataset on Apache Spark "
        "(pip install -e '.[spark]')",
    )
    sp.add_argument("--master", help="spark engine: Spark master URL (default: spark-submit's)")
    sp.add_argument(
        "--workers",
        help="processes for the local engine: a number or auto (default: score.workers)",
    )

    sp = add(
        "import",
        cmd_import,
        "Turn a CSV, JSON or JSON Lines export into input records with a mapping file.",
    )
    sp.add_argument("input", nargs="+", help="source files, or folders of them")
    sp.add_argument(
        "--mapping",
        required=True,
        help="mapping YAML file, or a shipped one by name: instafake, social-honeypot, "
        "twitter-api-user",
    )
    sp.add_argument("--output", "-o", required=True, help="JSON Lines file to write (.jsonl)")
    sp.add_argument("--rejects", help="JSON Lines of unmappable rows (default: beside the output)")

    sp = add(
        "promote",
        cmd_promote,
        "Make a registered model version the champion (models:/fakeprofile@champion).",
    )
    sp.add_argument("version", help="registered model version number, as the MLflow UI shows it")

    add("where", cmd_where, "Print where the data, features, model, metrics and MLflow runs are.")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except UserError as exc:
        print(f"fakeprofile {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyError as exc:
        print(
            f"fakeprofile {args.command}: error: params.yaml is missing key {exc}", file=sys.stderr
        )
        return 1
    except KeyboardInterrupt:  # Ctrl-C: one line, and the shell's code for it, not a traceback
        print(f"fakeprofile {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
