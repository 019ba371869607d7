"""`fakeprofile score --engine spark` on a local Spark session (local[2]) gives the local engine's
columns, scores, decisions, reasons and rejects, through the registered MLflow model.

Skipped (with the reason) only where PySpark or Java is missing; CI here has both."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import BIN

pytestmark = pytest.mark.slow

if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip(
        "the Spark engine needs Java 17+ (no java on PATH, no JAVA_HOME)", allow_module_level=True
    )
pytest.importorskip(
    "pyspark", reason="the Spark engine needs the spark extra: pip install -e '.[spark]'"
)


def score(project: Path, *args: str, tmp: Path | None = None) -> dict:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    if tmp is not None:
        env["TMPDIR"] = str(tmp)
    proc = subprocess.run(
        [str(BIN / "fakeprofile"), "score", "--quiet", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def invitations(trained_project, tmp_path_factory) -> Path:
    """The test part's profiles (with photos) as Parquet, plus a repeated id and an invalid row."""
    work = tmp_path_factory.mktemp("spark")
    table = pq.read_table(trained_project / "data/processed/test_profiles.parquet")
    dup = table.slice(10, 1)  # a later line with the id of line 11
    bad = table.slice(20, 1).set_column(
        table.schema.get_field_index("connections"), "connections", pa.array([-5], pa.int64())
    )
    bad = bad.set_column(
        table.schema.get_field_index("profile_id"), "profile_id", pa.array(["negative-connections"])
    )
    out = work / "invitations.parquet"
    pq.write_table(pa.concat_tables([table, dup, bad]), out)
    return out


def both_engines(project: Path, src: Path, out: Path, *extra: str) -> tuple[dict, dict]:
    """Score `src` with the local and the Spark engine: (summaries, merged scores)."""
    model = "models:/fakeprofile@champion"
    local = score(
        project, "--input", str(src), "--output", str(out / "l.parquet"), "--model", model, *extra
    )
    tmp = out / "tmp"
    tmp.mkdir()
    spark = score(
        project,
        *("--engine", "spark", "--master", "local[2]", "--input", str(src)),
        *("--output", str(out / "s.parquet"), "--model", model, *extra),
        tmp=tmp,
    )
    # The model downloaded for the executors is gone once the command has exited.
    assert not list(tmp.glob("fakeprofile-spark-*"))
    for key in ("read", "scored", "rejected", "accept", "ask", "report", "ignored_fields"):
        assert spark[key] == local[key], key
    a = pd.read_parquet(out / "l.parquet")
    b = pd.read_parquet(out / "s.parquet")  # a folder of part files
    assert list(b.columns) == list(a.columns)
    m = a.merge(b, on="profile_id", suffixes=("_local", "_spark"), validate="one_to_one")
    assert len(m) == len(a) == len(b) == local["scored"]
    assert (m["score_local"] - m["score_spark"]).abs().max() < 1e-12
    assert (m["decision_local"] == m["decision_spark"]).all()
    assert (m["reasons_local"].map(list) == m["reasons_spark"].map(list)).all()
    assert (m["model_version_local"] == m["model_version_spark"]).all()
    assert m["decision_local"].nunique() == 3  # all three decisions occur, so it proves something
    return (local, spark), m


def test_spark_engine_matches_local_engine(trained_project, invitations, tmp_path):
    """One run of each engine (a Spark session costs a JVM) on the test part with its photos, a
    repeated id and an invalid row: the same counts, rejects on the same lines, the same unknown
    fields, and with photos the executors' photo-reuse index (inside the model) gives the same
    scores and reasons."""
    photos = trained_project / "data/raw/default/photos"
    (local, spark), m = both_engines(
        trained_project, invitations, tmp_path, "--photos", str(photos)
    )
    rows = pq.read_metadata(invitations).num_rows
    # The repeated id and the negative count are rejected by both, on the same lines.
    assert local["read"] == rows and local["rejected"] == 2 and local["scored"] == rows - 2
    # The generator's `segment`, kept in the validated file's `extra` column, is named by both.
    assert local["ignored_fields"] == ["segment"]
    local_rej = [json.loads(x) for x in Path(local["rejects"]).read_text().splitlines()]
    spark_rej = [
        json.loads(x)
        for part in sorted(Path(spark["rejects"]).glob("part-*.json"))
        for x in part.read_text().splitlines()
    ]
    key = lambda r: (r["line"], r.get("profile_id"), r["reason"])  # noqa: E731
    assert sorted(map(key, spark_rej)) == sorted(map(key, local_rej))
    assert {r["line"] for r in local_rej} == {rows - 1, rows}  # the last two lines, 1-based
    assert m["reasons_local"].map(lambda r: any("photo" in x for x in r)).any()


def test_local_engine_never_imports_pyspark(trained_project, invitations, tmp_path):
    """PySpark is an optional extra: scoring with the exported model file must not load it."""
    code = (
        "import sys\n"
        "from fakeprofile import cli\n"
        f"cli.main(['score', '--input', {str(invitations)!r}, '--output', "
        f"{str(tmp_path / 'out.parquet')!r}, '--quiet', '--workers', '1'])\n"
        "assert not [m for m in sys.modules if m.startswith('pyspark')], 'pyspark imported'\n"
    )
    proc = subprocess.run(
        [str(BIN / "python"), "-c", code],
        cwd=trained_project,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout)["scored"] == pq.read_metadata(invitations).num_rows - 2
