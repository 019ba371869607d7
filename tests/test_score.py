"""`fakeprofile score`: formats, rejects and counts, order, atomic output, checksum refusal,
faithful reasons, and the same answers from the CLI, the MLflow pyfunc and `mlflow models serve`."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest

from conftest import BIN, write_jsonl
from fakeprofile import load_model
from fakeprofile.inference import score

pytestmark = pytest.mark.slow


def cli(project: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = subprocess.run(
        [str(BIN / "fakeprofile"), "score", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def records(trained_project) -> list[dict]:
    """The test part's profiles as plain JSON records (no labels)."""
    table = pq.read_table(trained_project / "data/processed/test_profiles.parquet")
    return [
        json.loads(
            json.dumps({k: v for k, v in r.items() if v is not None and k != "extra"}, default=str)
        )
        for r in table.to_pylist()
    ]


def read_output(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    if path.suffix == ".csv":
        return pd.read_csv(path, keep_default_na=False)
    return pd.read_json(path, lines=True, dtype={"profile_id": str})


@pytest.fixture(scope="module")
def reference(trained_project, tmp_path_factory) -> pd.DataFrame:
    """The scores of the test part's Parquet file, photos included: one run for every format."""
    out = tmp_path_factory.mktemp("reference") / "ref.parquet"
    cli(
        trained_project,
        "--input",
        str(trained_project / "data/processed/test_profiles.parquet"),
        "--output",
        str(out),
        "--photos",
        str(trained_project / "data/raw/default/photos"),
    )
    return pd.read_parquet(out)


@pytest.mark.parametrize("out_ext", [".parquet", ".csv", ".jsonl"])
@pytest.mark.parametrize("in_ext", [".jsonl", ".jsonl.gz", ".parquet"])
def test_formats_in_and_out_give_the_same_scores(
    trained_project, records, reference, tmp_path, in_ext, out_ext
):
    src = tmp_path / f"in{in_ext}"
    if in_ext == ".parquet":
        shutil.copy(trained_project / "data/processed/test_profiles.parquet", src)
    else:
        body = "".join(json.dumps(r) + "\n" for r in records).encode()
        src.write_bytes(gzip.compress(body) if in_ext.endswith(".gz") else body)
    out = tmp_path / f"scores{out_ext}"
    cli(
        trained_project,
        "--input",
        str(src),
        "--output",
        str(out),
        "--photos",
        str(trained_project / "data/raw/default/photos"),
    )
    got = read_output(out)
    assert got["profile_id"].tolist() == [r["profile_id"] for r in records]  # input order
    assert got["decision"].isin(["accept", "ask", "report"]).all()
    assert got["score"].between(0, 1).all()
    assert got["score"].round(9).tolist() == reference["score"].round(9).tolist()


def test_rejects_and_counts_add_up(trained_project, records, tmp_path):
    lines = [
        records[0],
        b"{not json",
        {"profile_id": "neg", "connections": -3},
        records[1],
        {"about": "no id"},
        records[0],
        records[2],
    ]  # records[0] twice: duplicate id
    src = write_jsonl(tmp_path / "mixed.jsonl", lines)
    out, rej = tmp_path / "s.jsonl", tmp_path / "r.jsonl"
    proc = cli(
        trained_project, "--input", str(src), "--output", str(out), "--rejects", str(rej), "--quiet"
    )
    summary = json.loads(proc.stdout)
    assert (summary["read"], summary["scored"], summary["rejected"]) == (7, 3, 4)
    assert summary["accept"] + summary["ask"] + summary["report"] == 3
    assert read_output(out)["profile_id"].tolist() == [records[i]["profile_id"] for i in (0, 1, 2)]
    rejected = [json.loads(x) for x in rej.read_text().splitlines()]
    assert [r["line"] for r in rejected] == [2, 3, 5, 6]
    assert all(r["reason"] for r in rejected)


def test_workers_give_the_same_output_as_one_process(trained_project, records, tmp_path):
    """Chunks scored on two processes come back in input order, duplicates across chunks are
    found, and outputs, rejects and counts equal a one-process run's."""
    mixed = list(records[:300]) + [b"{broken", records[5], {"profile_id": "n", "followers": -1}]
    mixed += list(records[300:400]) + [records[350]]  # a duplicate inside a later chunk
    src = write_jsonl(tmp_path / "in.jsonl", mixed)
    model = load_model(trained_project / "models/fakeprofile.joblib")
    runs = {}
    for workers in (1, 2):
        out, rej = tmp_path / f"s{workers}.parquet", tmp_path / f"r{workers}.jsonl"
        summary = score.run(src, out, model, rej, None, chunk_rows=64, workers=workers)
        runs[workers] = (summary, pd.read_parquet(out), rej.read_text())
    (s1, out1, rej1), (s2, out2, rej2) = runs[1], runs[2]
    assert (s2.read, s2.scored, s2.rejected) == (s1.read, s1.scored, s1.rejected)
    assert (s1.read, s1.rejected) == (len(mixed), 4)
    assert s2.decisions == s1.decisions
    pd.testing.assert_frame_equal(out1, out2)
    assert rej2 == rej1
    assert [json.loads(x)["line"] for x in rej1.splitlines()] == [301, 302, 303, len(mixed)]


def start_scoring(
    project: Path, records: list[dict], tmp_path: Path, copies: int, *args: str, **popen: Any
) -> tuple[subprocess.Popen, Path, Path]:
    """`fakeprofile score` started in the background on `copies` copies of the records (with
    new ids), writing scores.parquet: (process, input, output)."""
    src = write_jsonl(
        tmp_path / "big.jsonl",
        [{**r, "profile_id": f"{r['profile_id']}-{k}"} for k in range(copies) for r in records],
    )
    out = tmp_path / "scores.parquet"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env |= popen.pop("env", {})
    cmd = [str(BIN / "fakeprofile"), "score", "--input", str(src), "--output", str(out), *args]
    return subprocess.Popen(cmd, cwd=project, env=env, text=True, **popen), src, out


def test_interrupted_run_leaves_no_finished_looking_output(trained_project, records, tmp_path):
    proc, src, out = start_scoring(
        trained_project, records, tmp_path, 12, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.time() + 120
    while not list(tmp_path.glob(".scores.parquet.*.partial")) and time.time() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "scoring finished before it could be interrupted"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not out.exists()
    cli(trained_project, "--input", str(src), "--output", str(out), "--quiet")  # a re-run finishes
    assert pq.read_metadata(out).num_rows == len(records) * 12


@pytest.mark.parametrize(
    ("compiled_code", "workers"), [("cached", "2"), ("not cached", "2"), ("cached", "1")]
)
def test_ctrl_c_stops_the_run_with_one_line_and_no_output(
    trained_project, records, tmp_path, compiled_code, workers
):
    """Ctrl-C reaches the parent and its workers (one process group): one line, exit 130, no
    traceback from any process, and no output or partial file left. Also on a first run, with
    no compiled code in Numba's cache, while a child process compiles it (its traceback was
    printed too), and in one process."""
    fresh = {"NUMBA_CACHE_DIR": str(tmp_path / "numba")} if compiled_code == "not cached" else {}
    proc, _, out = start_scoring(
        *(trained_project, records, tmp_path, 30, "--workers", workers),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as a terminal's foreground job
        env=fresh,
    )
    deadline = time.time() + 120
    while not list(tmp_path.glob(".scores.parquet.*.partial")) and time.time() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "scoring finished before it could be interrupted"
    time.sleep(0.5)  # the workers have started
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert err.strip() == "fakeprofile score: interrupted"
    assert not out.exists() and not list(tmp_path.glob(".scores.parquet.*"))


def test_a_dying_worker_fails_the_run_with_one_line_and_no_output(
    trained_project, records, tmp_path
):
    import psutil

    proc, _, out = start_scoring(
        *(trained_project, records, tmp_path, 30, "--workers", "2"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    parent, deadline = psutil.Process(proc.pid), time.time() + 120
    while not parent.children() and time.time() < deadline:
        time.sleep(0.05)
    workers = parent.children()
    assert workers and proc.poll() is None, "no worker process to stop"
    workers[0].kill()
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 1
    assert len(err.strip().splitlines()) == 1 and "worker" in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("in.jsonl", ["--output", "in.jsonl"]),
        ("in.jsonl", ["--output", "o.csv", "--rejects", "./in.jsonl"]),
        ("o.rejects.jsonl", ["--output", "o.csv"]),  # the default rejects beside the output
    ],
)
def test_writing_over_the_input_is_refused_and_the_input_kept(
    trained_project, records, tmp_path, name, args
):
    src = write_jsonl(tmp_path / name, records[:3])
    before = src.read_bytes()
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    model = str(trained_project / "models/fakeprofile.joblib")
    proc = subprocess.run(
        [str(BIN / "fakeprofile"), "score", "--input", name, "--model", model, *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0 and "would overwrite the input" in proc.stderr
    assert src.read_bytes() == before
    assert not (tmp_path / "o.csv").exists()


def test_fields_that_are_not_input_fields_are_named_or_refused(trained_project, records, tmp_path):
    """Unknown fields (JSON keys or Parquet columns; a misnamed field is one) are ignored and
    named in the summary; a file with ids but no profile field at all (a feature table, say) is
    refused instead of scored as empty profiles."""
    import pyarrow as pa

    table = pq.read_table(trained_project / "data/processed/test_profiles.parquet")
    extra = table.append_column("crm_segment", pa.array(["b2b"] * table.num_rows))
    pq.write_table(extra, tmp_path / "extra.parquet")
    files = ("--input", str(tmp_path / "extra.parquet"), "--output", str(tmp_path / "a.csv"))
    run = cli(trained_project, *files, "--quiet")
    summary = json.loads(run.stdout)
    # segment: the generator's own note on each profile, kept in the validated table's extra
    assert summary["ignored_fields"] == ["crm_segment", "segment"]
    assert summary["scored"] == table.num_rows
    misnamed = [{**r, "summary": r.get("about")} for r in records[:300]]
    misnamed += [{"connection_count": 5, **r} for r in records[300:600]]
    for r in misnamed:
        r.pop("about", None)
    misnamed[0]["invitation"] = {"text": "Hi"}  # for message
    for bad in ([], [{"profile_id": 7}]):  # Arrow's path; with a bad line, pydantic's
        src = write_jsonl(tmp_path / "misnamed.jsonl", misnamed + bad)
        run = cli(trained_project, "--input", str(src), "--output", str(tmp_path / "m.csv"))
        named = "connection_count, invitation.text, summary ("
        assert f"3 input fields not in the input schema, ignored: {named}" in run.stdout
    feats = pq.read_table(trained_project / "data/processed/features.parquet")
    pq.write_table(feats.drop_columns(["created_at"]), tmp_path / "feats.parquet")
    files = ("--input", str(tmp_path / "feats.parquet"), "--output", str(tmp_path / "b.csv"))
    run = cli(trained_project, *files, check=False)
    assert run.returncode == 1
    assert run.stderr.count("\n") == 1 and "none of the profile fields" in run.stderr
    assert not (tmp_path / "b.csv").exists()


def test_tampered_model_is_refused_with_one_line(trained_project, records, tmp_path):
    models = tmp_path / "models"
    shutil.copytree(trained_project / "models", models, ignore=shutil.ignore_patterns("stages"))
    with open(models / "fakeprofile.joblib", "ab") as fh:
        fh.write(b"\0")
    src = write_jsonl(tmp_path / "in.jsonl", records[:3])
    proc = cli(
        trained_project,
        "--input",
        str(src),
        "--output",
        str(tmp_path / "o.csv"),
        "--model",
        str(models / "fakeprofile.joblib"),
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0 and "sha256" in proc.stderr
    assert not (tmp_path / "o.csv").exists()


def test_reasons_are_faithful(trained_project, records):
    model = load_model(str(trained_project / "models/fakeprofile.joblib"))
    photos = trained_project / "data/raw/default/photos"
    scored = model.score(records, photos)
    # Genuine-looking profiles (accepted) get no alarming reasons.
    assert scored.loc[scored["decision"] == "accept", "reasons"].map(len).eq(0).all()
    # Taking the photo away raises the score, and where the photo mattered most the new
    # reasons say so.
    # Profiles with their own picture (not reused, not the placeholder): for a stolen stock
    # photo, removing it also removes the reuse signal, so the score may rightly drop.
    feats = model.features(records, photos)
    own = (feats["photo_reuse_count"] == 0) & (feats["photo_placeholder_or_flat"] == 0)
    with_photo = [r for r, keep in zip(records, own, strict=True) if keep]
    before = model.score(with_photo, photos).set_index("profile_id")
    stripped = [{**r, "photo": None, "has_photo": False} for r in with_photo]
    after = model.score(stripped, photos).set_index("profile_id")
    rise = after["score"] - before["score"]
    assert (rise > 0).mean() > 0.5 and rise.mean() > 0
    # Among profiles that get reasons (not accepted) and for which the photo mattered (the score
    # rose by at least min_effect), most name it: effects are not additive, so one profile's
    # other signs may outrank it, but not the photo's effect across them.
    strong = rise[(after["decision"] != "accept") & (rise >= model.min_effect)]
    assert len(strong) >= 3
    named = [pid for pid in strong.index if "no profile photo" in after.loc[pid, "reasons"]]
    assert len(named) >= len(strong) / 2, (len(named), len(strong))
    assert all("no profile photo" not in before.loc[pid, "reasons"] for pid in named)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_cli_pyfunc_and_served_model_agree(trained_project, records, tmp_path):
    import mlflow

    rows = records[:25]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "cli.jsonl"
    cli(
        trained_project,
        "--input",
        str(src),
        "--output",
        str(out),
        "--model",
        "models:/fakeprofile@champion",
    )
    by_cli = read_output(out)

    uri = f"sqlite:///{trained_project / 'mlflow.db'}"
    mlflow.set_tracking_uri(uri)
    by_pyfunc = mlflow.pyfunc.load_model("models:/fakeprofile@champion").predict(pd.DataFrame(rows))

    port = free_port()
    env = {
        **os.environ,
        "MLFLOW_TRACKING_URI": uri,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    server = subprocess.Popen(
        [
            str(BIN / "mlflow"),
            "models",
            "serve",
            "-m",
            "models:/fakeprofile@champion",
            "--env-manager",
            "local",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        cwd=trained_project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        body = json.dumps({"dataframe_records": rows}).encode()
        for _ in range(240):
            try:
                req = urllib.request.Request(
                    f"http://127.0.0.1:{port}/invocations",
                    data=body,
                    headers={"Content-Type": "application/json"},
                )
                with urllib.request.urlopen(req, timeout=30) as resp:
                    served = pd.DataFrame(json.loads(resp.read())["predictions"])
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("mlflow models serve did not answer")
    finally:
        server.terminate()
        server.wait(timeout=30)
    for other in (by_pyfunc, served):
        assert other["profile_id"].tolist() == by_cli["profile_id"].tolist()
        assert other["decision"].tolist() == by_cli["decision"].tolist()
        assert [list(r) for r in other["reasons"]] == [list(r) for r in by_cli["reasons"]]
        assert (other["score"] - by_cli["score"]).abs().max() < 1e-9


def test_python_api_scores_one_invitation(trained_project, records):
    model = load_model(trained_project / "models/fakeprofile.joblib")
    one = model.score([records[0]])
    columns = ["profile_id", "score", "decision", "reasons", "model_version", "error"]
    assert one.columns.tolist() == columns
    assert len(one) == 1 and one["error"].isna().all()


def test_python_api_reports_each_invalid_record(trained_project, records):
    """Records given to the Python API go through the score command's validation (rules
    included): a bad record is an error row with its reason, never a failed batch."""
    model = load_model(trained_project / "models/fakeprofile.joblib")
    bad = [
        {**records[1], "connections": -1},
        {**records[2], "created_at": "2999-01-01"},  # a rule, not a type
        "not a record",
    ]
    out = model.score([records[0], *bad, records[3]])
    assert len(out) == 5 and out["error"].notna().tolist() == [False, True, True, True, False]
    assert out["error"][1].startswith("connections") and "future" in out["error"][2]
    assert out["decision"][1:4].eq("error").all() and out["score"][1:4].isna().all()
    alone = model.score([records[0], records[3]])
    assert out["score"][[0, 4]].tolist() == alone["score"].tolist()
    nothing = model.score(bad)  # no valid row at all
    assert nothing["decision"].eq("error").all() and len(nothing) == 3


def test_arrow_and_dataframe_scores_are_the_same(trained_project, records):
    """Batch scoring takes `score_arrow`, the Python API and the pyfunc `score`: one answer."""
    model = load_model(trained_project / "models/fakeprofile.joblib")
    table = model.score_arrow(records[:300])
    frame = model.score(records[:300])
    assert table.schema == score.OUTPUT_SCHEMA
    assert frame["error"].isna().all()
    frame = frame.drop(columns="error").assign(reasons=frame["reasons"].map(list))
    assert table.to_pylist() == frame.to_dict("records")
    assert any(table.column("reasons").to_pylist())  # some rows have reasons to compare


def test_pyfunc_answers_each_row(trained_project, records):
    """One bad record failed the whole request; a note starting with '[' was parsed as JSON;
    '[' * 100000 raised RecursionError. Now each row gets a score or its own error."""
    from fakeprofile.inference.pyfunc import FakeProfilePyfunc

    pyfunc = FakeProfilePyfunc()
    pyfunc.model = load_model(str(trained_project / "models/fakeprofile.joblib"))
    note = {
        **records[0],
        "invitation": {**(records[0].get("invitation") or {}), "message": "[hi] {x"},
    }
    rows = [
        records[0],
        {**records[1], "connections": "lots"},  # invalid
        note,
        {**records[2], "experience": "[" * 100_000},  # nested field as JSON text: too deep
        {**records[3], "about": "[" * 100_000},  # a text field: kept as text
        {"profile_id": None},
        records[4],
    ]
    out = pyfunc.predict(None, pd.DataFrame(rows))
    assert len(out) == len(rows)
    errors = [None if pd.isna(e) else e for e in out["error"]]
    assert [e is None for e in errors] == [True, False, True, False, False, False, True]
    assert out["decision"].tolist()[1] == "error" and out["score"].isna().tolist()[1]
    assert "connections" in errors[1] and "about" in errors[4]  # too long for the schema
    alone = pyfunc.predict(None, pd.DataFrame([records[0], note, records[4]]))
    assert out.loc[[0, 2, 6], "score"].tolist() == alone["score"].tolist()


def test_score_cli_hostile_outputs(trained_project, records, tmp_path):
    """CSV cells starting like formulas neutralised; --quiet prints one bounded line however
    many unknown keys the input holds; a truncated gzip scores what came before and exits 1."""
    evil = [{**r, f"k{i}\x1b[31m{j}": 1} for i, r in enumerate(records[:200]) for j in range(3)]
    evil = [{**r, "profile_id": f"=HYPERLINK({i})"} for i, r in enumerate(evil[::3])]
    src = write_jsonl(tmp_path / "in.jsonl", evil)
    out = tmp_path / "out.csv"
    proc = cli(trained_project, "--input", str(src), "--output", str(out), "--quiet")
    assert proc.stdout.count("\n") == 1 and len(proc.stdout) < 5000 and "\x1b" not in proc.stdout
    summary = json.loads(proc.stdout)
    assert summary["read"] == summary["scored"] == len(evil)
    assert pd.read_csv(out)["profile_id"].str.startswith("'=HYPERLINK").all()
    whole = gzip.compress(b"".join(json.dumps(r).encode() + b"\n" for r in records[:600]))
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    proc = cli(
        trained_project, "--input", str(cut), "--output", str(tmp_path / "c.jsonl"), check=False
    )
    assert proc.returncode == 1 and "truncated" in proc.stderr and "Traceback" not in proc.stderr
    scored = read_output(tmp_path / "c.jsonl")
    assert 100 < len(scored) < 600
