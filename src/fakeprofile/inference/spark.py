"""Scale-out: score a Parquet dataset of invitations on Apache Spark with the same model.

The driver finds the exported model file once (a path, or the file behind an MLflow model URI,
fetched from the store), checks it, and ships it with its manifest to the executors with
`SparkContext.addFile`, so executors need no access to the MLflow store or the repository: the
photo-reuse index and every other fitted state are inside the model. Each executor loads it once
per Python worker (`predictor.load`, as every engine does) and runs `score.score_chunk` on Arrow
batches (`DataFrame.mapInArrow`, the Arrow form of `mapInPandas`: nested lists of structs keep
their types, where pandas would turn them into objects). That is the local engine's own code path, validation included, so the scores,
decisions, reasons and rejects are the same.

Differences from the local engine, by the nature of a cluster job: the output is a Parquet
*dataset* (a folder of part files, each in input order), rejects are a JSON Lines dataset, and the
"line" of a reject is the row's position as Spark numbers it (the row number for a single input
file read as one partition). Duplicate profile ids are found over the whole dataset: the first row
of an id is scored, later ones are rejected, as locally.

PySpark is an optional extra (`pip install -e .[spark]`); nothing else in the package imports it.
"""

from __future__ import annotations

import atexit
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from fakeprofile.config import DEFAULTS
from fakeprofile.data import check, io, validate
from fakeprofile.errors import UserError
from fakeprofile.inference import model_uri, predictor, score

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame, SparkSession

ROW = "_fakeprofile_row"
# The local engine's output columns, plus the row, for a rejected row why, and on a batch's first
# row the input fields that are not in the schema (score.Chunk.unknown_fields), for the summary.
RESULT_SCHEMA = (
    score.OUTPUT_SCHEMA.append(pa.field("line", pa.int64()))
    .append(pa.field("reason", pa.string()))
    .append(pa.field("unknown", pa.list_(pa.string())))
)
# Per executor Python worker: shipped model name -> model.
_LOADED: dict[str, predictor.FakeProfileModel] = {}


def session(master: str | None = None, app: str = "fakeprofile score") -> SparkSession:
    """The active Spark session, or a new one (UTC, so timestamps cross unchanged)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise UserError(
            "the spark engine needs PySpark: pip install -e '.[spark]' (and Java 17+)"
        ) from exc
    local = master is None or master.startswith("local")
    if local and "PYSPARK_GATEWAY_PORT" not in os.environ:
        # A session this program starts itself runs its executors on this machine: they must use
        # this interpreter (the one with fakeprofile installed), not whatever `python3` is on PATH.
        # Under spark-submit, or on a cluster, PYSPARK_PYTHON or spark.pyspark.python decides.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.appName(app)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.showConsoleProgress", "false")
    )
    if master:
        builder = builder.master(master)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _ship_model(spark: SparkSession, model: str) -> str:
    """Add the exported model file and its manifest to the Spark job's files: its name under
    SparkFiles. It is loaded here first, so a wrong or tampered model fails before any work.

    A model from the MLflow store is fetched into a temporary folder. Executors fetch it from
    there while the job runs, and the DataFrames are lazy, so the folder is removed when this
    program exits, not before (it held a copy of the model per run, left in /tmp)."""
    path = Path(model)
    if model_uri.is_uri(model):
        fetch = model_uri.Fetch(model, prefix="fakeprofile-spark-")
        atexit.register(fetch.cleanup)
        path = fetch.path()
    predictor.load(path)
    sc = spark.sparkContext
    sc.addFile(str(path.resolve()))
    sc.addFile(str((path.parent / predictor.MANIFEST).resolve()))
    return path.name


def _executor_model(name: str) -> predictor.FakeProfileModel:
    """The shipped model, loaded once per executor Python worker."""
    if name not in _LOADED:
        from pyspark import SparkFiles

        _LOADED[name] = predictor.load(SparkFiles.get(name))
    return _LOADED[name]


def _result(chunk: score.Chunk) -> pa.RecordBatch:
    """Scored rows, then rejected ones, as one batch of RESULT_SCHEMA (the scores stay in
    Arrow; only the few rejects are built from Python). The first row also carries the names
    of the chunk's input fields that are not in the schema."""
    scored, line_nos, rejects = chunk.scored, chunk.line_nos, chunk.rejects
    rejected = pa.Table.from_pylist(
        [{"profile_id": x.profile_id} for x in rejects], schema=score.OUTPUT_SCHEMA
    )
    both = pa.concat_tables([t for t in (scored, rejected) if t is not None])
    columns = [*both.columns, line_nos + [x.line for x in rejects]]
    columns.append([None] * len(line_nos) + [x.reason for x in rejects])
    n = both.num_rows
    columns.append([chunk.unknown_fields] + [None] * (n - 1) if n else [])
    rows = pa.Table.from_arrays(columns, schema=RESULT_SCHEMA).to_struct_array()
    return pa.RecordBatch.from_struct_array(rows.combine_chunks())


def _scorer(
    name: str, rules: validate.Rules, photos: str | None
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """The function mapInArrow runs on each partition: Arrow batches in, result batches out."""

    def score_partition(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        model = _executor_model(name)
        for batch in batches:
            table = pa.Table.from_batches([batch])
            rows = (table.column(ROW).to_numpy() + 1).tolist()
            lines = check.arrow_rows(table.drop_columns([ROW]), rows)
            yield _result(score.score_chunk(lines, model, rules, photos))

    return score_partition


def _first_line(exc: Exception) -> str:
    """The first line of a Spark or Py4J error (the rest is a Java stack trace)."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def score_dataset(
    spark: SparkSession,
    input_path: str,
    model: str,
    photos: str | None = None,
    rules: validate.Rules | None = None,
    chunk_rows: int = DEFAULTS.score.chunk_rows,
) -> tuple[DataFrame, DataFrame]:
    """Score a Parquet dataset on Spark: (scores, rejects) as Spark DataFrames (lazy).

    `model` is an exported model file or an MLflow model URI (models:/..., runs:/...); `photos`
    a folder every executor can read. Scores have the local engine's columns plus `line`;
    rejects have line, profile_id and reason. Arrow batches hold `chunk_rows` rows, the local
    engine's chunk: photo reuse within an input is counted per chunk, so equal chunks give equal
    scores (this sets the session's spark.sql.execution.arrow.maxRecordsPerBatch)."""
    scores, rejects, _ = _score_dataset(spark, input_path, model, photos, rules, chunk_rows)
    return scores, rejects


def _score_dataset(
    spark: SparkSession,
    input_path: str,
    model: str,
    photos: str | None,
    rules: validate.Rules | None,
    chunk_rows: int,
) -> tuple[DataFrame, DataFrame, DataFrame]:
    """score_dataset, plus the input fields that are not in the schema (one column, `field`):
    nested keys and keys kept in our own layout's `extra` column, as the local engine names them."""
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(chunk_rows))

    rules = rules or validate.Rules(photo_dir=Path(photos) if photos else None)
    name = _ship_model(spark, str(model))
    try:
        data = spark.read.parquet(str(input_path))
    except Exception as exc:  # Spark raises its own AnalysisException for a missing path
        raise UserError(f"cannot read Parquet input {input_path}: {_first_line(exc)}") from exc
    score.unknown_columns(data.columns, input_path)
    data = data.withColumn(ROW, F.monotonically_increasing_id())
    result = data.mapInArrow(
        _scorer(name, rules, photos), from_arrow_schema(RESULT_SCHEMA)
    ).persist()
    unknown = result.select(F.explode("unknown").alias("field")).distinct()
    result = result.drop("unknown")
    valid = result.filter(F.col("reason").isNull()).drop("reason")
    # Duplicate ids: only the (id, line) pairs are shuffled, not the scored rows.
    ids = valid.select("profile_id", "line")
    repeated = (
        ids.groupBy("profile_id")
        .agg(F.min("line").alias("first"), F.count(F.lit(1)).alias("n"))
        .filter(F.col("n") > 1)
    )
    later = (
        ids.join(repeated, "profile_id")
        .filter(F.col("line") > F.col("first"))
        .select("profile_id", "line")
    )
    scores = valid.join(later, ["profile_id", "line"], "left_anti")
    duplicates = later.select(
        "line",
        "profile_id",
        F.concat(
            F.lit("profile_id: duplicate of an earlier line ("), F.col("profile_id"), F.lit(")")
        ).alias("reason"),
    )
    rejects = result.filter(F.col("reason").isNotNull()).select("line", "profile_id", "reason")
    return scores, rejects.unionByName(duplicates), unknown


def run(
    input_path: str,
    output: str,
    model: str,
    rejects: str,
    photos: str | None = None,
    master: str | None = None,
    chunk_rows: int = DEFAULTS.score.chunk_rows,
) -> score.Summary:
    """`fakeprofile score --engine spark`: write scores (Parquet dataset, each part in input
    order) and rejects (JSON Lines dataset); return the counts, which add up as locally.
    A failed Spark job is one line (UserError), not a Java stack trace."""
    from py4j.protocol import Py4JError
    from pyspark.errors import PySparkException

    if not str(output).endswith(".parquet"):
        raise UserError(f"the spark engine writes a Parquet dataset: name it *.parquet ({output})")
    io.check_targets({"input": input_path}, {"output": output, "rejects": rejects})
    spark = session(master)
    summary = score.Summary()
    try:
        scores, bad, unknown = _score_dataset(spark, input_path, model, photos, None, chunk_rows)
        scores.sortWithinPartitions("line").drop("line").write.mode("overwrite").parquet(
            str(output)
        )
        bad.orderBy("line").coalesce(1).write.mode("overwrite").json(str(rejects))
        for row in scores.groupBy("decision").count().collect():
            summary.decisions[row["decision"]] = int(row["count"])
        summary.rejected = bad.count()
        data = spark.read.parquet(str(input_path))
        summary.read = data.count()
        # names capped as by the local engine (validate.MAX_NAMED): a file can hold millions
        named = {row["field"] for row in unknown.limit(validate.MAX_NAMED).collect()}
        summary.ignored_fields = sorted(
            named | set(score.unknown_columns(data.columns, input_path))
        )
    except (PySparkException, Py4JError) as exc:
        raise UserError(f"the Spark job failed: {_first_line(exc)}") from exc
    summary.scored = sum(summary.decisions.values())
    if summary.read != summary.scored + summary.rejected:  # pragma: no cover - a bug, never data
        raise UserError(f"counts do not add up: {summary.line()}")
    return summary
