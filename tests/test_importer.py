"""`fakeprofile import`: mapping files turn other systems' exports into input records; every row is
written or rejected with its line and reason, unused columns are named, nothing is invented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import BIN, run
from fakeprofile.data import importer, schema
from fakeprofile.errors import UserError


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def mapping_file(tmp_path: Path, text: str) -> importer.Mapping:
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    return importer.Mapping.load(path)


CSV_MAPPING = """
fields:
  profile_id: id
  followers: fans
  activity.posts: n_posts
  created_at: {column: joined, date_format: "%d/%m/%Y"}
  has_photo: {column: avatar, "true": [Y], "false": [N]}
  label: {column: class, values: {fake: [bot], genuine: [human]}}
  fake_kind: {constant: bot}
  activity.window_days: {constant: 30}
"""


def test_csv_rows_are_mapped_and_bad_ones_rejected_with_line_and_reason(tmp_path):
    src = tmp_path / "export.csv"
    src.write_text(
        "id,fans,n_posts,joined,avatar,class,bio_len\n"
        "a1,10,3,31/12/2019,Y,bot,40\n"
        "a2,,0,01/02/2020,N,human,0\n"  # no follower count: stays missing
        "a3,ten,1,01/02/2020,N,human,0\n"  # not a number
        "a4,5,1,2020-02-01,N,human,0\n"  # wrong date format
        "a5,5,1,01/02/2020,maybe,human,0\n"  # not a mapped boolean
        "a6,5,1,01/02/2020,N,alien,0\n"  # not a mapped label
        "a7,5,1\n"  # too few columns
        "a1,5,1,01/02/2020,N,human,0\n",  # duplicate id
        encoding="utf-8",
    )
    mapping = mapping_file(tmp_path, CSV_MAPPING)
    out, rej = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    counts = importer.run([src], mapping, out, rej)
    assert counts.read == 8 == counts.written + counts.rejected
    records = lines(out)
    assert [r["profile_id"] for r in records] == ["a1", "a2"]
    a1, a2 = records
    assert a1 == {
        "profile_id": "a1",
        "followers": 10,
        "activity": {"posts": 3, "window_days": 30},
        "created_at": "2019-12-31",
        "has_photo": True,
        "label": "fake",
        "fake_kind": "bot",
    }
    assert "followers" not in a2 and a2["has_photo"] is False and a2["label"] == "genuine"
    for r in records:
        schema.Profile.model_validate(r)
    rejects = {r["line"]: r["reason"] for r in lines(rej)}
    assert set(rejects) == {4, 5, 6, 7, 8, 9}
    assert "fans" not in rejects[4] and "followers" in rejects[4] and "'ten'" in rejects[4]
    assert "created_at" in rejects[5] and "%d/%m/%Y" in rejects[5]
    assert "has_photo" in rejects[6]
    assert "label" in rejects[7] and "alien" in rejects[7]
    assert "columns" in rejects[8]
    assert "duplicate" in rejects[9]
    assert counts.unused == {"bio_len"}


def test_twitter_user_objects_with_the_shipped_mapping(tmp_path):
    users = [
        {
            "id_str": "14",
            "screen_name": "jack",
            "name": "Jack",
            "description": "just setting up",
            "location": "SF",
            "url": None,
            "followers_count": 100,
            "friends_count": 50,
            "statuses_count": 1000,
            "favourites_count": 7,
            "listed_count": 3,
            "default_profile_image": False,
            "created_at": "Wed Aug 27 13:08:45 +0000 2008",
            "entities": {"url": {"urls": []}},
            "label": "human",
        },
        {
            "id_str": "15",
            "screen_name": "b0t123",
            "followers_count": 1,
            "friends_count": 4000,
            "statuses_count": 9,
            "default_profile_image": True,
            "created_at": "Mon Jan 05 00:00:00 +0000 2015",
            "label": "bot",
        },
    ]
    src = tmp_path / "users.jsonl"
    src.write_text("\n".join(json.dumps(u) for u in users) + "\n", encoding="utf-8")
    counts = importer.run(
        [src], importer.Mapping.load("twitter-api-user"), tmp_path / "o.jsonl", tmp_path / "r.jsonl"
    )
    assert counts.written == 2 and counts.rejected == 0
    jack, bot = lines(tmp_path / "o.jsonl")
    assert jack["created_at"] == "2008-08-27" and jack["has_photo"] is True
    assert jack["username"] == "jack" and jack["about"] == "just setting up"
    assert jack["following"] == 50 and jack["activity"] == {"posts": 1000, "reactions": 7}
    assert jack["label"] == "genuine" and bot["label"] == "fake" and bot["has_photo"] is False
    assert "website" not in jack and "name" not in bot  # null or absent: stays missing
    assert counts.unused == {"listed_count", "entities"}


def test_a_length_gives_no_text_and_labels_come_per_file(tmp_path):
    """InstaFake gives the biography's length only: no about text is made up from it. The social
    honeypot's files carry their label in their name, given per file by the mapping."""
    (tmp_path / "insta").mkdir()
    (tmp_path / "insta/fake.json").write_text(
        json.dumps(
            [
                {
                    "userFollowerCount": 3,
                    "userFollowingCount": 900,
                    "userBiographyLength": 42,
                    "userMediaCount": 0,
                    "userHasProfilPic": 0,
                    "userIsPrivate": 0,
                    "usernameDigitCount": 4,
                    "usernameLength": 12,
                    "isFake": 1,
                }
            ]
        ),
        encoding="utf-8",
    )
    importer.run(
        [tmp_path / "insta"],
        importer.Mapping.load("instafake"),
        tmp_path / "i.jsonl",
        tmp_path / "ir.jsonl",
    )
    (rec,) = lines(tmp_path / "i.jsonl")
    assert rec == {
        "profile_id": "fake.json:1",
        "followers": 3,
        "following": 900,
        "activity": {"posts": 0},
        "has_photo": False,
        "label": "fake",
    }
    (tmp_path / "hp").mkdir()
    row = "6301\t2006-09-18 01:07:50\t2010-01-17 20:38:25\t3269\t3071\t861\t8\t132\n"
    (tmp_path / "hp/content_polluters.txt").write_text(row, encoding="utf-8")
    (tmp_path / "hp/legitimate_users.txt").write_text(
        row.replace("6301", "7") + "8\tyesterday\tx\t1\t1\t1\t1\t1\n", encoding="utf-8"
    )
    (tmp_path / "hp/README").write_text("not data", encoding="utf-8")  # not a mapped file name
    counts = importer.run(
        [tmp_path / "hp"],
        importer.Mapping.load("social-honeypot"),
        tmp_path / "h.jsonl",
        tmp_path / "hr.jsonl",
    )
    recs = lines(tmp_path / "h.jsonl")
    assert [(r["profile_id"], r["label"]) for r in recs] == [("6301", "fake"), ("7", "genuine")]
    assert recs[0]["created_at"] == "2006-09-18" and "about" not in recs[0]
    assert lines(tmp_path / "hr.jsonl") == [
        {
            "file": "legitimate_users.txt",
            "line": 2,
            "reason": lines(tmp_path / "hr.jsonl")[0]["reason"],
        }
    ]
    assert "created_at" in lines(tmp_path / "hr.jsonl")[0]["reason"]
    assert counts.unused == {"collected_at", "screen_name_length", "description_length"}


def test_bad_mappings_are_clear_errors(tmp_path):
    with pytest.raises(UserError, match="not a schema field"):
        mapping_file(tmp_path, "fields:\n  profile_id: id\n  follower: n\n")
    with pytest.raises(UserError, match="profile_id"):
        mapping_file(tmp_path, "fields:\n  followers: n\n")
    with pytest.raises(UserError, match="shipped ones"):
        importer.Mapping.load("no-such-mapping")


def test_the_command_prints_counts_and_unused_columns_and_one_line_errors(tmp_path):
    src = tmp_path / "e.csv"
    src.write_text("id,fans,junk\nx,1,2\n", encoding="utf-8")
    (tmp_path / "m.yaml").write_text("fields:\n  profile_id: id\n  followers: fans\n")
    out = run(
        [str(BIN / "fakeprofile"), "import", str(src), "--mapping", "m.yaml", "-o", "o.jsonl"],
        tmp_path,
    ).stdout
    assert "read 1 rows: 1 written" in out and "junk" in out
    assert (tmp_path / "o.rejects.jsonl").is_file()
    import subprocess

    proc = subprocess.run(
        [str(BIN / "fakeprofile"), "import", "missing.csv", "--mapping", "m.yaml", "-o", "o.jsonl"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
