"""Hostile and broken input: malformed records, hostile photos, evasion, interrupted work, model
integrity and concurrent tracking. Each case is listed in docs/reliability.md."""

from __future__ import annotations

import json
import os
import shutil
import signal
import struct
import subprocess
import threading
import time
import tracemalloc
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from conftest import BIN, write_jsonl
from fakeprofile.data import schema, validate
from fakeprofile.features import ProfileFeatures
from fakeprofile.features.photo import read_photo
from fakeprofile.synth import photos as synth_photos
from test_schema import FULL

GOOD_A = {**FULL, "profile_id": "good-a", "label": None, "photo": None}
GOOD_B = {**FULL, "profile_id": "good-b", "label": None, "photo": None}


def run_validate(
    tmp_path: Path, lines: list, name: str = "in.jsonl"
) -> tuple[validate.Counts, list[dict]]:
    src = write_jsonl(tmp_path / name, lines) if lines is not None else tmp_path / name
    counts = validate.Counts()
    rejects = tmp_path / "rejects.jsonl"
    try:
        counts = validate.run(src, tmp_path / "v.parquet", rejects, validate.Rules())
    except Exception as exc:  # only the documented "nothing valid" UserError may come out
        assert type(exc).__name__ == "UserError", exc
        assert "no valid profiles" in str(exc)
        counts = None
    return counts, [
        json.loads(x) for x in rejects.read_text().splitlines()
    ] if rejects.exists() else []


def deep(n: int) -> str:
    return "[" * n + "]" * n


# Wrong types for every field of the schema: a value of a type the field does not take.
WRONG = {
    "profile_id": 123,
    "label": 5,
    "fake_kind": ["x"],
    "name": {"a": 1},
    "username": 1.5,
    "headline": [1],
    "location": True,
    "website": 7,
    "created_at": "not a date",
    "photo": 12,
    "has_photo": "perhaps",
    "about": {"x": 1},
    "experience": "many",
    "education": 3,
    "skills": "python",
    "languages": {"da": 1},
    "sections": [1, 2],
    "connections": "lots",
    "followers": -1,
    "following": 1e30,
    "activity": "busy",
    "invitation": "hello",
}


@pytest.mark.parametrize("field", sorted(WRONG))
def test_wrong_type_at_every_field_is_one_reject(tmp_path, field):
    assert set(WRONG) == set(schema.Profile.model_fields)
    counts, rejects = run_validate(
        tmp_path, [GOOD_A, {**FULL, "profile_id": "bad", field: WRONG[field]}, GOOD_B]
    )
    assert (counts.read, counts.valid, counts.rejected) == (3, 2, 1)
    assert rejects[0]["line"] == 2 and rejects[0]["reason"].startswith(field)


BAD_LINES = {
    "invalid JSON": b'{"profile_id": "x", "about": "unterminated}',
    "truncated line": json.dumps(FULL).encode()[:150],
    "deep nesting in a known field": (
        '{"profile_id": "d", "skills": ' + deep(100_000) + "}"
    ).encode(),
    "deep nesting in an unknown field": (
        '{"profile_id": "e", "junk": ' + deep(100_000) + "}"
    ).encode(),
    "50 MB about text": b'{"profile_id": "big", "about": "' + b"x" * 50_000_000 + b'"}',
    "100,000 skills": json.dumps({"profile_id": "s", "skills": ["python"] * 100_000}).encode(),
    "non-UTF-8 bytes": b'{"profile_id": "\xc3\x28 latin \xe9"}',
    "a bare string": b'"just a string"',
    "a number": b"42",
    "null": b"null",
}


@pytest.mark.parametrize("case", sorted(BAD_LINES))
def test_malformed_line_is_rejected_and_neighbours_survive(tmp_path, case):
    counts, rejects = run_validate(tmp_path, [GOOD_A, BAD_LINES[case], GOOD_B])
    assert (counts.read, counts.valid, counts.rejected) == (3, 2, 1)
    assert rejects[0]["line"] == 2 and rejects[0]["reason"]


def test_nulls_everywhere_is_a_valid_empty_profile(tmp_path):
    record = {k: None for k in schema.Profile.model_fields} | {"profile_id": "n"}
    counts, _ = run_validate(tmp_path, [record])
    assert counts.valid == 1
    X = ProfileFeatures().fit([record]).transform([record])
    assert X.shape[0] == 1


def test_bom_and_crlf_are_accepted(tmp_path):
    body = (
        b"\xef\xbb\xbf"
        + json.dumps(GOOD_A).encode()
        + b"\r\n"
        + json.dumps(GOOD_B).encode()
        + b"\r\n"
    )
    (tmp_path / "in.jsonl").write_bytes(body)
    counts, _ = run_validate(tmp_path, None)
    assert (counts.valid, counts.rejected) == (2, 0)


def test_empty_file_and_only_bad_lines_fail_with_the_one_line_error(tmp_path):
    (tmp_path / "in.jsonl").write_bytes(b"")
    counts, _ = run_validate(tmp_path, None)
    assert counts is None  # "no valid profiles" UserError, nothing else
    counts, rejects = run_validate(tmp_path, [b"nope", b"{", b"[]"], name="bad.jsonl")
    assert counts is None and len(rejects) == 3


# --- property-based: any record a stranger can send ---------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
plausible = {
    "connections": st.integers(-5, 10**6),
    "created_at": st.dates().map(str),
    "skills": st.lists(st.text(max_size=20), max_size=5),
    "has_photo": st.booleans(),
    "headline": st.text(max_size=80),
    "about": st.text(max_size=200),
    "invitation": st.fixed_dictionaries(
        {},
        optional={
            "message": st.none() | st.text(max_size=100),
            "mutual_connections": st.integers(-3, 500),
            "acceptance_rate": st.floats(-1, 2),
        },
    ),
    "experience": st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                "title": st.text(max_size=20),
                "start": st.dates().map(str),
                "end": st.none() | st.dates().map(str),
            },
        ),
        max_size=3,
    ),
}
records = st.fixed_dictionaries(
    {"profile_id": st.text(min_size=1, max_size=10) | json_values},
    optional={
        k: (plausible[k] | json_values) if k in plausible else json_values
        for k in schema.Profile.model_fields
        if k != "profile_id"
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(records | st.binary(max_size=40).map(lambda b: b.replace(b"\n", b" ")), max_size=8))
def test_validate_never_crashes_and_counts_add_up(lines):
    encoded = [r if isinstance(r, bytes) else json.dumps(r).encode() for r in lines]
    numbered = [(i + 1, line) for i, line in enumerate(encoded) if line.strip()]
    counts = validate.Counts()
    valid_rows = 0
    for table, _ in validate.validate_stream(
        iter(numbered), validate.Rules(), counts, chunk_rows=3
    ):
        valid_rows += table.num_rows
        if table.num_rows:
            ProfileFeatures(as_of="2026-06-30").fit_transform(table)  # valid rows featurize
    assert counts.read == counts.valid + counts.rejected == len(numbered)
    assert counts.valid == valid_rows


# --- hostile photos ------------------------------------------------------------------------------


def png_claiming(w: int, h: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def hostile_photos(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("hostile") / "photos"
    d.mkdir()
    pic = synth_photos.portrait("hostile", 160)
    for fmt, ext in (("JPEG", "jpg"), ("PNG", "png"), ("GIF", "gif"), ("WEBP", "webp")):
        pic.save(d / f"ok.{ext}", fmt)
        data = (d / f"ok.{ext}").read_bytes()
        (d / f"truncated.{ext}").write_bytes(data[: len(data) // 3])
        noisy = bytearray(data)
        noisy[len(noisy) // 2 : len(noisy) // 2 + 64] = bytes(64)
        (d / f"corrupt.{ext}").write_bytes(bytes(noisy[: len(noisy) // 2 + 64]))
    frames = [pic.rotate(a) for a in (0, 90, 180)]
    frames[0].save(d / "animated.gif", save_all=True, append_images=frames[1:])
    frames[0].save(d / "animated.webp", save_all=True, append_images=frames[1:])
    pic.convert("CMYK").save(d / "cmyk.jpg")
    grad = np.asarray(pic.convert("L"), dtype=np.uint16) * 257
    Image.fromarray(grad).save(d / "sixteen_bit.png")
    (d / "bomb.png").write_bytes(png_claiming(50_000, 50_000))
    (d / "dir.jpg").mkdir()
    os.mkfifo(d / "fifo.jpg")
    os.symlink("/etc/passwd", d / "passwd.jpg")
    (d.parent / "outside.jpg").write_bytes((d / "ok.jpg").read_bytes())
    return d


READABLE = [
    "ok.jpg",
    "ok.png",
    "ok.gif",
    "ok.webp",
    "animated.gif",
    "animated.webp",
    "cmyk.jpg",
    "sixteen_bit.png",
]
UNREADABLE = [
    "truncated.jpg",
    "truncated.png",
    "truncated.gif",
    "truncated.webp",
    "corrupt.png",
    "bomb.png",
    "dir.jpg",
    "fifo.jpg",
    "passwd.jpg",
    "../outside.jpg",
    "/etc/passwd",
    "missing.jpg",
]


def test_hostile_photos_give_the_documented_outcome(hostile_photos):
    names = READABLE + UNREADABLE
    X = ProfileFeatures(photo_dir=hostile_photos).fit_transform(
        [{"profile_id": f"p{i}", "photo": n} for i, n in enumerate(names)]
    )
    outcome = dict(zip(names, X["photo_unreadable"], strict=True))
    assert all(outcome[n] == 0 for n in READABLE), outcome
    assert all(outcome[n] == 1 for n in UNREADABLE), outcome
    # The 16-bit picture is scaled, not clipped to white: it is not "flat".
    assert X.loc[names.index("sixteen_bit.png"), "photo_placeholder_or_flat"] == 0


def test_corrupt_jpeg_never_raises(hostile_photos):
    info = read_photo(hostile_photos / "corrupt.jpg", 10**7, 4 * 10**7)
    assert info.readable in (True, False)  # libjpeg may recover a corrupt middle; never raises


def test_decompression_bomb_is_refused_before_decoding(hostile_photos):
    tracemalloc.start()
    info = read_photo(hostile_photos / "bomb.png", 10**7, 4 * 10**7)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert not info.readable and peak < 20 * 2**20


def test_validation_rejects_escaping_photo_paths(hostile_photos, tmp_path):
    lines = [
        {"profile_id": f"p{i}", "photo": p}
        for i, p in enumerate(["passwd.jpg", "../outside.jpg", "/etc/passwd", "ok.jpg"])
    ]
    src = write_jsonl(tmp_path / "in.jsonl", lines)
    counts = validate.run(
        src, tmp_path / "v.parquet", tmp_path / "r.jsonl", validate.Rules(photo_dir=hostile_photos)
    )
    assert (counts.valid, counts.rejected) == (1, 3)


# --- evasion -------------------------------------------------------------------------------------

EVASIONS = [
    "Write me on Whats\u200bApp +44 7700 900123",
    "Write me on WhаtsАpp +44 7700 900123",
    "Write me on W h a t s A p p +44 7700 900123",
]


@pytest.mark.slow
@pytest.mark.parametrize("note", EVASIONS)
def test_evasion_fires_and_raises_the_score(trained_project, note):
    from fakeprofile import load_model

    model = load_model(str(trained_project / "models/fakeprofile.joblib"))
    base = {**GOOD_A, "invitation": {**FULL["invitation"]}}
    plain = {
        **base,
        "invitation": {**base["invitation"], "message": "Write me on WhatsApp +44 7700 900123"},
    }
    evaded = {**base, "invitation": {**base["invitation"], "message": note}}
    feats = model.features([evaded])
    assert feats["text_evasion"][0] == 1 and feats["invite_messenger"][0] >= 1
    s_base, s_plain, s_evaded = model.score([base, plain, evaded])["score"]
    assert s_evaded > s_base
    assert s_evaded >= s_plain - 1e-9  # the trick never helps the sender


# --- interrupted work, model integrity, concurrent tracking -------------------------------------


@pytest.mark.slow
def test_killed_validate_stage_leaves_no_finished_output(tmp_path):
    import gzip

    from fakeprofile.synth.generate import GenConfig, generate

    # 30,000 rows, so validation is still running when it is killed: ten copies (new ids) of
    # 3,000 generated profiles, cheaper than generating them all.
    small = tmp_path / "small.jsonl.gz"
    generate(GenConfig(n=3_000, seed=5, with_photos=False, workers=1), small, tmp_path / "ph")
    with gzip.open(small, "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh]
    src = tmp_path / "big.jsonl.gz"
    with gzip.open(src, "wt", encoding="utf-8", compresslevel=1) as fh:
        for k in range(10):
            for r in records:
                fh.write(json.dumps({**r, "profile_id": f"{r['profile_id']}-{k}"}) + "\n")
    out = tmp_path / "valid.parquet"
    cmd = [
        str(BIN / "fakeprofile"),
        "validate",
        "--input",
        str(src),
        "--output",
        str(out),
        "--rejects",
        str(tmp_path / "rej.jsonl"),
        "--params",
        str(Path(__file__).parents[1] / "params.yaml"),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while not list(tmp_path.glob(".valid.parquet.*.partial")) and time.time() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not out.exists()
    assert subprocess.run(cmd, capture_output=True).returncode == 0
    assert out.exists()


@pytest.mark.slow
def test_manifest_pointing_to_another_file_is_refused(trained_project, tmp_path):
    import shutil

    from fakeprofile.errors import UserError
    from fakeprofile.inference.predictor import load

    shutil.copy(trained_project / "models/fakeprofile.joblib", tmp_path / "other.joblib")
    shutil.copy(trained_project / "models/manifest.json", tmp_path / "manifest.json")
    with pytest.raises(UserError, match="describes"):
        load(tmp_path / "other.joblib")


@pytest.mark.slow
def test_two_runs_at_once_both_land_in_the_tracking_store(trained_project, tmp_path):
    import mlflow

    # On a copy: exporting outside DVC rewrites the model file, whose bytes differ from export to
    # export (skops names arrays by object id), and the shared project must stay as DVC left it.
    trained_project = shutil.copytree(trained_project, tmp_path / "project", symlinks=True)
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    mlflow.set_tracking_uri(f"sqlite:///{trained_project / 'mlflow.db'}")
    client = mlflow.MlflowClient()
    before = len(client.search_model_versions("name='fakeprofile'"))
    champion_before = client.get_model_version_by_alias("fakeprofile", "champion").version
    results: list[subprocess.CompletedProcess] = []

    def export() -> None:
        results.append(
            subprocess.run(
                [str(BIN / "fakeprofile"), "export"],
                cwd=trained_project,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
            )
        )

    threads = [threading.Thread(target=export) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.returncode for r in results] == [0, 0], [r.stderr[-500:] for r in results]
    versions = client.search_model_versions("name='fakeprofile'")
    assert len(versions) == before + 2
    # The same model again is no better than the champion: the alias stays, the newest version
    # is the challenger (tracking.gate).
    champion = client.get_model_version_by_alias("fakeprofile", "champion")
    assert champion.version == champion_before
    challenger = client.get_model_version_by_alias("fakeprofile", "challenger")
    assert int(challenger.version) == max(int(v.version) for v in versions)
