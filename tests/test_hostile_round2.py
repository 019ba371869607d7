"""Hostile input, round two (issue 25): one bad line never costs the batch, outputs are never
special files or half-written, photos never pick their decoder, output is never a formula or
a terminal escape. Each case is listed in docs/reliability.md. Fast: no trained model needed
(the cases that need one are in test_score.py)."""

from __future__ import annotations

import gzip
import json
import os
import resource
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from conftest import BIN, REPO, write_jsonl
from fakeprofile import cli
from fakeprofile.data import io, schema, validate
from fakeprofile.errors import UserError
from fakeprofile.features import photo
from fakeprofile.inference import score
from fakeprofile.inference.predictor import OUTPUT_SCHEMA
from test_schema import FULL

GOOD = {**FULL, "label": None, "photo": None}


def good(i: int) -> dict:
    return {**GOOD, "profile_id": f"good-{i}"}


def counts_of(path: Path, chunk_rows: int = 50) -> tuple[validate.Counts, list[validate.Reject]]:
    """What `score` reads from `path` (JSON Lines, gzip or Parquet) and how validation splits
    it: the counts and the rejects."""
    counts = validate.Counts()
    lines = validate.noting_damage(score.input_lines(path, chunk_rows, 1 << 20), counts)
    rejects = []
    for _, bad in validate.validate_stream(lines, validate.Rules(), counts, chunk_rows):
        rejects += bad
    assert counts.read == counts.valid + counts.rejected
    return counts, rejects


# --- one bad line never costs the batch ----------------------------------------------------------


def test_lone_surrogate_in_a_reject_is_written_escaped(tmp_path):
    """`{"profile_id":"\\ud800x"}` crashed validate and score while writing its reject."""
    src = write_jsonl(tmp_path / "in.jsonl", [good(1), '{"profile_id":"\\ud800x"}', good(2)])
    rejects = tmp_path / "rejects.jsonl"
    counts = validate.run(src, tmp_path / "v.parquet", rejects, validate.Rules())
    assert (counts.read, counts.valid, counts.rejected) == (3, 2, 1)
    text = rejects.read_bytes().decode("utf-8")  # valid UTF-8
    assert json.loads(text)["profile_id"] == "\ud800x"  # and the id is kept, escaped


def test_duplicate_keys_are_rejected_at_any_depth(tmp_path):
    """The last of two keys won, so a spam note could hide behind a later harmless one."""
    hidden = json.dumps(good(1))[:-1] + ', "invitation": {"message": "hi"}}'
    nested = json.dumps(good(2)).replace('"message": ', '"message": "x", "message": ', 1)
    unknown = json.dumps(good(3))[:-1] + ', "zz": 1, "zz": 2}'
    src = write_jsonl(tmp_path / "in.jsonl", [hidden, nested, unknown, good(4)])
    counts, rejects = counts_of(src)
    assert (counts.valid, counts.rejected) == (1, 3)
    assert all("duplicate key" in r.reason for r in rejects), rejects


@pytest.mark.parametrize("where", ["connections", "sections.projects", "activity.window_days"])
def test_booleans_are_not_counts(tmp_path, where):
    record = good(1)
    if "." in where:
        outer, inner = where.split(".")
        record[outer] = {**record[outer], inner: True}
    else:
        record[where] = True
    counts, rejects = counts_of(write_jsonl(tmp_path / "in.jsonl", [record, good(2)]))
    assert counts.rejected == 1 and rejects[0].reason.startswith(where)


def test_cr_only_line_ends_are_five_records(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"".join(json.dumps(good(i)).encode() + b"\r" for i in range(5)))
    counts, _ = counts_of(src)
    assert (counts.read, counts.valid) == (5, 5)


def write_parquet(path: Path, rows: list[dict], **kwargs) -> Path:
    table = pa.Table.from_pylist([{**r, "extra": r.get("extra")} for r in rows])
    pq.write_table(table, path, **kwargs)
    return path


def test_parquet_extra_that_is_not_an_object_rejects_its_row(tmp_path):
    """A list in `extra` raised TypeError ('list' object is not a mapping) and lost the file."""
    rows = [{"profile_id": f"p{i}", "about": "hello"} for i in range(6)]
    rows[1]["extra"] = "[1, 2]"
    rows[2]["extra"] = "{not json"
    rows[3]["extra"] = '{"about": "hidden"}'  # a column's key again: a duplicate
    rows[4]["extra"] = "[" * 100_000
    rows[5]["extra"] = '{"segment": "x"}'  # our own layout: fine
    counts, rejects = counts_of(write_parquet(tmp_path / "in.parquet", rows))
    assert (counts.read, counts.valid, counts.rejected) == (6, 2, 4)
    assert [r.line for r in rejects] == [2, 3, 4, 5]
    assert all(r.reason.startswith(("extra:", "duplicate key")) for r in rejects)


def corrupt_row_group(path: Path, group: int) -> None:
    """Overwrite the data of one row group's text column (after its page header) with 0xFF:
    an invalid BYTE_ARRAY length, as a damaged page gives."""
    col = pq.ParquetFile(path).metadata.row_group(group).column(1)
    data = bytearray(path.read_bytes())
    start = col.data_page_offset + 12
    end = col.data_page_offset + col.total_compressed_size
    data[start:end] = b"\xff" * (end - start)
    path.write_bytes(bytes(data))


def test_a_corrupt_parquet_row_group_rejects_its_rows_and_the_run_goes_on(tmp_path):
    rows = [{"profile_id": f"p{i}", "about": f"text {i} " * 20} for i in range(300)]
    path = write_parquet(
        tmp_path / "in.parquet", rows, row_group_size=100, compression="none", use_dictionary=False
    )
    corrupt_row_group(path, 1)
    counts, rejects = counts_of(path)
    assert (counts.read, counts.valid, counts.rejected) == (300, 200, 100)
    assert [r.line for r in rejects] == list(range(101, 201))
    assert "row group 1 cannot be decoded" in rejects[0].reason
    assert counts.damage  # the command exits non-zero


@pytest.mark.slow  # a process or a memory bound, end to end: CI runs it
def test_parquet_dictionary_bomb_is_read_within_bounded_memory(tmp_path):
    """A small file whose dictionary repeats one 2 MB text on every row: 8 GB decoded whole
    (MemoryError). Read as dictionaries, the rows are measured and refused unexpanded."""
    n = 4000
    about = pa.DictionaryArray.from_arrays(pa.array([0] * n, pa.int32()), pa.array(["a" * 2**21]))
    table = pa.table({"profile_id": [f"p{i}" for i in range(n)], "about": about})
    path = tmp_path / "bomb.parquet"
    pq.write_table(table, path, compression="zstd", row_group_size=n)
    assert path.stat().st_size < 200_000
    script = (
        "import sys; sys.path.insert(0, 'tests'); from test_hostile_round2 import counts_of;"
        f"c, _ = counts_of(__import__('pathlib').Path({str(path)!r}));"
        "print(c.read, c.valid, c.rejected)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).parents[1],
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30)),
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == [str(n), "0", str(n)]  # every row too long, each rejected


def test_batches_are_bounded_in_bytes_too():
    """2,500 lines of 1 MB each are 2.5 GB in one batch: a batch ends at its byte budget."""
    lines = [(i, b"x" * (1 << 20)) for i in range(200)]
    sizes = [sum(len(r) for _, r in b) for b in validate.batches(iter(lines), 2500)]
    assert max(sizes) <= validate.BATCH_BYTES and sum(sizes) == 200 << 20


@pytest.mark.parametrize("kind", ["truncated", "trailing garbage"])
def test_damaged_gzip_scores_the_lines_before_and_exits_non_zero(tmp_path, kind):
    whole = gzip.compress(b"".join(json.dumps(good(i)).encode() + b"\n" for i in range(3000)))
    data = whole[: len(whole) * 2 // 3] if kind == "truncated" else whole + b"garbage!"
    src = tmp_path / "in.jsonl.gz"
    src.write_bytes(data)
    out, rej = tmp_path / "v.parquet", tmp_path / "rejects.jsonl"
    proc = fakeprofile(
        tmp_path,
        "validate",
        "--input",
        str(src),
        "--output",
        str(out),
        "--rejects",
        str(rej),
        "--unlabelled",
    )
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    cause = "truncated" if kind == "truncated" else "trailing data after the end"
    assert cause in proc.stderr
    rejects = [json.loads(x) for x in rej.read_text().splitlines()]
    valid = pq.read_table(out).num_rows
    assert len(rejects) == 1 and cause in rejects[0]["reason"]
    assert valid == (3000 if kind != "truncated" else rejects[0]["line"] - 1) and valid > 1000


# --- cheap exhaustion ----------------------------------------------------------------------------


def test_gzip_of_newlines_is_quick_and_counts_nothing(tmp_path):
    src = tmp_path / "in.jsonl.gz"
    src.write_bytes(gzip.compress(b"\n" * (100 << 20) + json.dumps(good(1)).encode() + b"\n", 9))
    assert src.stat().st_size < 200_000
    counts, _ = counts_of(src)
    assert (counts.read, counts.valid) == (1, 1)


@pytest.mark.slow  # a process or a memory bound, end to end: CI runs it
def test_many_distinct_unknown_keys_are_capped_in_names_and_memory(tmp_path):
    """2,500 lines of 330 distinct unknown keys each: Arrow typed every key as a column (14 GB
    here); now the names are capped, and the memory bounded (run under a 3 GB limit)."""
    src = tmp_path / "keys.jsonl"
    with open(src, "w") as fh:
        for i in range(2500):
            record = good(i) | {f"k{i}_{k}\x1b[31m": 1 for k in range(330)}
            fh.write(json.dumps(record) + "\n")
    script = (
        "import sys; sys.path.insert(0, 'tests'); from test_hostile_round2 import counts_of;"
        f"c, _ = counts_of(__import__('pathlib').Path({str(src)!r}), 2500);"
        "print(c.read, c.valid, len(c.unknown_fields))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).parents[1],
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30)),
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["2500", "2500", str(schema.MAX_NAMED)]


def test_unknown_field_names_reach_the_terminal_escaped_and_capped():
    names = [f"evil\x1b[2J\x1b[31m{i}\nnext line\u202e" for i in range(500)]
    line = cli._unknown_fields(names, "ignored")
    assert "\x1b" not in line and "\n" not in line and "\u202e" not in line
    assert "\\x1b[2J" in line and len(line) < 1000


def png(path: Path, size: int, color=(90, 90, 90)) -> Path:
    Image.new("RGB", (size, size), color).save(path, "PNG")
    return path


def test_each_photo_is_decoded_once_per_run(tmp_path, monkeypatch):
    """A 131 kB flat 6300 x 6300 PNG cost half a second for every row naming it."""
    png(tmp_path / "flat.png", 6300)
    assert (tmp_path / "flat.png").stat().st_size < 300_000
    decoded = []
    real = photo.read_photo
    monkeypatch.setattr(photo, "read_photo", lambda *a: decoded.append(a[0]) or real(*a))
    infos = photo.read_photos(["flat.png"] * 300, tmp_path, 10**7, 4 * 10**7)
    assert len(decoded) == 1 and all(i is infos[0] for i in infos) and infos[0].readable


# --- the photo's content does not pick the decoder -----------------------------------------------


def test_only_jpeg_png_webp_and_gif_are_decoded(tmp_path):
    """A PostScript file named .jpg made Pillow run Ghostscript. Formats are allow-listed by
    their signature before any decoder runs, and Pillow is told which one to use."""
    (tmp_path / "ps.jpg").write_bytes(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 100\n")
    Image.new("RGB", (50, 50)).save(tmp_path / "tiff.png", "TIFF")
    Image.new("RGB", (50, 50)).save(tmp_path / "bmp.gif", "BMP")
    for name in ("ps.jpg", "tiff.png", "bmp.gif"):
        assert not photo.read_photo(tmp_path / name, 10**7, 10**7).readable, name
    for fmt in ("JPEG", "PNG", "WEBP", "GIF"):
        Image.new("RGB", (50, 50), (10, 200, 30)).save(tmp_path / f"ok.{fmt}", fmt)
        assert photo.read_photo(tmp_path / f"ok.{fmt}", 10**7, 10**7).readable, fmt
    # A PNG signature in front of PostScript: the PNG decoder refuses it, Ghostscript never runs.
    (tmp_path / "fake.png").write_bytes(b"\x89PNG\r\n\x1a\n%!PS-Adobe-3.0\n")
    assert not photo.read_photo(tmp_path / "fake.png", 10**7, 10**7).readable


# --- outputs ---------------------------------------------------------------------------------------


def test_outputs_that_are_not_regular_files_are_refused(tmp_path):
    target = tmp_path / "real.csv"
    target.write_text("keep me")
    (tmp_path / "link.csv").symlink_to(target)
    os.mkfifo(tmp_path / "fifo.csv")
    for path, kind in [
        (tmp_path / "link.csv", "symbolic link"),
        (tmp_path / "fifo.csv", "FIFO"),
        (Path("/dev/null"), "device"),
    ]:
        with pytest.raises(UserError, match=kind), io.atomic_path(path):
            pytest.fail("the block ran")
    assert target.read_text() == "keep me" and (tmp_path / "link.csv").is_symlink()
    assert Path("/dev/null").is_char_device()


def test_leftover_partial_files_are_removed_by_the_next_run(tmp_path):
    """`kill -9` leaves `.NAME.XXXX.partial`; the next run writing NAME removes it."""
    left = tmp_path / ".out.csv.k3x9q2.partial"
    left.write_text("half")
    other = tmp_path / ".other.csv.k3x9q2.partial"  # another output's: not ours to touch
    other.write_text("half")
    with io.atomic_path(tmp_path / "out.csv") as tmp:
        tmp.write_text("done")
    assert not left.exists() and other.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.csv.k3x9q2.partial", "out.csv"]


def test_a_second_run_on_the_same_output_waits_then_refuses(tmp_path, monkeypatch):
    target = tmp_path / "out.csv"
    inside, release = threading.Event(), threading.Event()

    def first() -> None:
        with io.atomic_path(target) as tmp:
            tmp.write_text("first")
            inside.set()
            release.wait(30)

    thread = threading.Thread(target=first)
    thread.start()
    inside.wait(30)
    monkeypatch.setattr(io, "LOCK_WAIT_SECONDS", 0.5)
    with pytest.raises(UserError, match="another run has been writing"), io.atomic_path(target):
        pytest.fail("ran while the first run held the output")
    release.set()
    thread.join()
    assert target.read_text() == "first"
    monkeypatch.setattr(io, "LOCK_WAIT_SECONDS", 30)
    with io.atomic_path(target) as tmp:  # once the first is done, the second goes ahead
        tmp.write_text("second")
    assert target.read_text() == "second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]  # no lock file left


def fakeprofile(cwd: Path, *args: str, limit: int | None = None) -> subprocess.CompletedProcess:
    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails: EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [str(BIN / "fakeprofile"), args[0], "--params", str(REPO / "params.yaml"), *args[1:]],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=limited if limit else None,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )


def test_a_full_disk_is_one_line_and_leaves_no_file(tmp_path):
    """No space left (here: a file size limit, EFBIG, as a full disk gives ENOSPC): one line,
    no traceback, no output that looks finished, no partial file."""
    src = write_jsonl(tmp_path / "in.jsonl", [good(i) for i in range(2000)])
    out = tmp_path / "out"
    args = ["--input", str(src), "--unlabelled", "--output", str(out / "v.parquet")]
    proc = fakeprofile(tmp_path, "validate", *args, "--rejects", str(out / "r.jsonl"), limit=4_000)
    assert proc.returncode == 1, proc.stdout
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1, proc.stderr
    assert "disk is full" in proc.stderr
    assert list(out.iterdir()) == []


# --- output injection ----------------------------------------------------------------------------


def test_csv_cells_that_start_like_formulas_are_neutralised(tmp_path):
    ids = ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx", "ok"]
    table = pa.Table.from_pylist(
        [
            {
                "profile_id": i,
                "score": 0.5,
                "decision": "ask",
                "reasons": ["r"],
                "model_version": "v",
            }
            for i in ids
        ],
        schema=OUTPUT_SCHEMA,
    )
    path = tmp_path / "out.csv"
    writer = score.Writer(path, ".csv")
    writer.write(table)
    writer.close()
    got = pacsv.read_csv(path).column("profile_id").to_pylist()
    assert got == ["'" + i for i in ids[:-1]] + ["ok"]


# --- fuzz: the readers never crash and the counts add up ------------------------------------------

json_text = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
).map(json.dumps)
line_bytes = st.one_of(
    json_text.map(str.encode),
    st.builds(lambda r: json.dumps(r).encode(), st.sampled_from([good(1), good(2), GOOD])),
    st.binary(max_size=30),
    st.sampled_from(
        [b'{"profile_id":"\\ud800"}', b"[" * 5000, b'{"a":1,"a":2}', b"\xef\xbb\xbf{}"]
    ),
)


def test_a_parquet_string_that_is_not_utf8_rejects_its_row_only(tmp_path):
    """A damaged page can hold bytes that are not UTF-8 in a string column (Arrow does not
    check them on reading; the fuzz test below found one): that row is rejected with the
    column's name, the others are used, and the counts add up."""
    ids = pa.array([b"p1", b"\x80", b"p3"], pa.binary()).view(pa.string())
    path = tmp_path / "bad.parquet"
    pq.write_table(pa.table({"profile_id": ids}), path)
    counts, rejects = counts_of(path)
    assert (counts.read, counts.valid, counts.rejected) == (3, 2, 1)
    assert [(r.line, r.reason) for r in rejects] == [(2, "profile_id: not UTF-8 text")]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    lines=st.lists(line_bytes, max_size=12),
    ends=st.sampled_from([b"\n", b"\r\n", b"\r"]),
    gz=st.booleans(),
    cut=st.none() | st.integers(min_value=0, max_value=400),
    tail=st.sampled_from([b"", b"garbage", b"\x00\x00"]),
)
def test_fuzz_json_lines_reader(tmp_path_factory, lines, ends, gz, cut, tail):
    """Random lines, line ends, gzip cut anywhere or with data after it: read = scored +
    rejected, and nothing raises but the one-line error for a file that cannot be opened."""
    data = ends.join(lines)
    if gz:
        data = gzip.compress(data)
        data = (data[:cut] if cut is not None else data) + tail
    path = tmp_path_factory.mktemp("fuzz") / ("in.jsonl.gz" if gz else "in.jsonl")
    path.write_bytes(data)
    counts, _ = counts_of(path, chunk_rows=4)  # asserts read = valid + rejected
    if not gz:
        assert counts.read == sum(1 for x in data.replace(b"\r", b"\n").split(b"\n") if x.strip())


cell = st.none() | st.text(max_size=12) | st.sampled_from(["[1]", "{", '{"about":"x"}', "[" * 3000])
column_values = {
    "profile_id": st.none() | st.text(max_size=6),
    "about": st.none() | st.text(max_size=20),
    "connections": st.none() | st.integers(-5, 10**12),
    "skills": st.none() | st.lists(st.none() | st.text(max_size=5), max_size=3),
    "extra": cell,
    "unknown_column": st.none() | st.integers(),
}


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    rows=st.lists(st.fixed_dictionaries({}, optional=column_values), max_size=10),
    flip=st.none() | st.tuples(st.integers(0, 10**6), st.integers(1, 255)),
    group=st.integers(1, 5),
)
def test_fuzz_parquet_reader(tmp_path_factory, rows, flip, group):
    """Random columns (some of the wrong type, an `extra` that is not an object) in row groups,
    a byte flipped anywhere: read = scored + rejected, and a file that cannot be opened at all
    is the one-line error."""
    path = tmp_path_factory.mktemp("fuzz") / "in.parquet"
    try:
        table = (
            pa.Table.from_pylist(rows)
            if rows
            else pa.table({"profile_id": pa.array([], pa.string())})
        )
    except (pa.ArrowException, OverflowError):
        return  # values Arrow cannot put in one column: not a Parquet file anyone can write
    pq.write_table(table, path, row_group_size=group, compression="none")
    if flip is not None:
        data = bytearray(path.read_bytes())
        data[flip[0] % len(data)] ^= flip[1]
        path.write_bytes(bytes(data))
    try:
        counts, _ = counts_of(path, chunk_rows=3)
    except UserError as exc:
        assert "\n" not in str(exc)
        return
    assert counts.read == table.num_rows or flip is not None


# --- broken model files --------------------------------------------------------------------------


def vouched(folder: Path, content: bytes, manifest: object = None) -> Path:
    """A model file with a manifest whose checksum matches it."""
    from fakeprofile.inference.predictor import MANIFEST, sha256

    folder.mkdir()
    path = folder / "fakeprofile.joblib"
    path.write_bytes(content)
    if manifest is None:
        manifest = {
            "artifact": path.name,
            "sha256": sha256(path),
            "version": "v",
            "model_kind": "hgb",
        }
    (folder / MANIFEST).write_text(json.dumps(manifest))
    return path


def skops_bytes(tmp_path: Path, obj: object) -> bytes:
    import skops.io

    path = tmp_path / "obj.skops"
    skops.io.dump(obj, path)
    return path.read_bytes()


def test_a_tampered_model_file_cannot_run_code(tmp_path):
    """A tampered file with a re-hashed manifest ran its code (pickle). The model file is skops:
    a file naming any type off the trusted list (here a function that runs a command) is
    refused before anything in it is built."""
    from fakeprofile.inference.predictor import load

    marker = tmp_path / "ran"
    evil = skops_bytes(tmp_path, {"model": os.system, "arg": f"touch {marker}"})
    with pytest.raises(UserError, match="not on the trusted list.*system"):
        load(vouched(tmp_path / "evil", evil))
    assert not marker.exists()


def test_a_broken_model_file_or_manifest_is_one_line(tmp_path):
    """An empty or truncated file with a matching hash, or a manifest that is not an object,
    gave a traceback."""
    import pickle

    from fakeprofile.inference.predictor import load

    cases = [
        (vouched(tmp_path / "empty", b""), "the file is broken"),
        (vouched(tmp_path / "cut", pickle.dumps(list(range(1000)))[:-40]), "the file is broken"),
        (vouched(tmp_path / "list", b"x", manifest=[1, 2]), "not a JSON object"),
        (vouched(tmp_path / "str", b"x", manifest="x"), "not a JSON object"),
        (vouched(tmp_path / "pickle", pickle.dumps({"a": 1})), "not a skops model file"),
        (
            vouched(tmp_path / "other", skops_bytes(tmp_path, {"a": 1})),
            "does not hold a fakeprofile",
        ),
    ]
    for path, message in cases:
        with pytest.raises(UserError, match=message) as err:
            load(path)
        assert "\n" not in str(err.value)


def test_numba_cache_stays_out_of_a_logged_models_code(tmp_path):
    """A model loaded from MLflow runs the copy of the code logged with it (under the artifact
    store); Numba wrote its cache files beside that copy. They go to the user's cache now."""
    import shutil

    code = tmp_path / "mlartifacts" / "1" / "models" / "m-1" / "artifacts" / "code"
    shutil.copytree(
        REPO / "src" / "fakeprofile",
        code / "fakeprofile",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    script = (
        "import numba.core.config as c, fakeprofile.jit, fakeprofile.kernels.utf8 as u;"
        "print(fakeprofile.jit.__file__); print(c.CACHE_DIR)"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "NUMBA_CACHE_DIR")}
    env |= {"PYTHONPATH": str(code), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    where, cache = proc.stdout.split()
    assert where.startswith(str(code)) and cache == str(
        tmp_path / "cache" / "fakeprofile" / "numba"
    )
