"""The input schema: JSON Schema publication, round trip, unknown fields kept."""

import json

import pytest
from pydantic import ValidationError

from fakeprofile.cli import main
from fakeprofile.data import schema

FULL = {
    "profile_id": "p1",
    "label": "genuine",
    "fake_kind": None,
    "name": "Mette Jensen",
    "username": "mette-jensen",
    "headline": "Projektleder hos Fjordsoft",
    "location": "Aarhus",
    "website": None,
    "created_at": "2019-04-02",
    "photo": "p1.jpg",
    "has_photo": True,
    "about": "Jeg har arbejdet som projektleder i otte år.",
    "experience": [
        {
            "title": "Projektleder",
            "company": "Fjordsoft",
            "location": "Aarhus",
            "start": "2020-01-01",
            "end": None,
            "description": "Ansvarlig for salg.",
        }
    ],
    "education": [
        {
            "school": "Aarhus Universitet",
            "degree": "Cand.merc.",
            "field": "økonomi",
            "start": "2012-09-01",
            "end": "2017-06-30",
            "description": None,
        }
    ],
    "skills": ["projektledelse", "Excel"],
    "languages": ["da", "en"],
    "sections": {"certifications": 2, "recommendations": 1},
    "connections": 412,
    "followers": 430,
    "following": 80,
    "activity": {
        "posts": 3,
        "articles": 0,
        "comments": 7,
        "reactions": 40,
        "shares": 1,
        "window_days": 90,
    },
    "invitation": {
        "message": "Hej Anna, vi mødtes til konferencen i Odense.",
        "sent_at": "2026-06-01T10:00:00Z",
        "mutual_connections": 12,
        "invitations_sent_last_7d": 3,
        "acceptance_rate": 0.8,
    },
}


def test_json_schema_lists_every_field_and_requires_only_the_id():
    js = schema.json_schema()
    assert js["required"] == ["profile_id"]
    for name in ("photo", "has_photo", "experience", "activity", "invitation", "sections"):
        assert name in js["properties"]


def test_schema_command_prints_the_published_schema(capsys, tmp_path):
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == schema.json_schema()


def test_round_trip_keeps_values_and_unknown_fields():
    record = {**FULL, "source_system": "crm-7", "segment": {"language": "da"}}
    p = schema.Profile.model_validate_json(json.dumps(record))
    again = schema.Profile.model_validate_json(p.model_dump_json())
    assert again == p
    row = schema.to_row(p)
    assert json.loads(row["extra"]) == {"source_system": "crm-7", "segment": {"language": "da"}}
    table = schema.rows_to_table([row])
    assert table.schema == schema.ARROW_SCHEMA
    assert table.column("experience")[0][0]["company"].as_py() == "Fjordsoft"


def test_only_profile_id_is_required_and_missing_stays_missing():
    p = schema.Profile.model_validate({"profile_id": "x"})
    row = schema.to_row(p)
    assert row["connections"] is None and row["activity"] is None and row["experience"] is None


@pytest.mark.parametrize(
    "patch",
    [
        {"connections": -1},
        {"label": "maybe"},
        {"headline": "x" * 1000},
        {"skills": ["a"] * 500},
        {"invitation": {"acceptance_rate": 1.5}},
        {"created_at": "yesterday"},
    ],
)
def test_types_and_limits_are_enforced(patch):
    with pytest.raises(ValidationError):
        schema.Profile.model_validate({**FULL, **patch})


def test_unknown_keys_are_dotted_paths_at_any_depth_and_list_items_share_their_path():
    record = {
        "profile_id": "x",
        "nickname": "n",
        "invitation": {"message": "hi", "msg": "typo"},
        "experience": [{"title": "a", "salary": 1}, {"boss": "b"}],
        "skills": ["python"],
        "sections": {"courses": 1, "awards": 2},
        "activity": None,
    }
    got = list(schema.unknown_keys(record))
    assert got == [
        "nickname",
        "invitation.msg",
        "experience.salary",
        "experience.boss",
        "sections.awards",
    ]
    raw = json.dumps(record).encode()
    assert list(schema.unknown_keys_in(raw)) == got
    assert list(schema.unknown_keys({k: v for k, v in FULL.items()})) == []


def test_unknown_field_names_are_capped_in_number_and_length():
    names = {"kept"}
    schema.add_names(names, ["kept", "y" * 300] + [f"f{i}" for i in range(500)])
    assert len(names) == schema.MAX_NAMED
    assert "y" * 200 in names and "f97" in names and "f98" not in names


def test_a_key_given_twice_is_found_at_any_depth():
    assert schema.duplicate_key(b'{"a": 1, "b": {"c": 1, "c": 2}}') == "c"
    assert schema.duplicate_key(b'{"a": 1, "a": 1}') == "a"
    assert schema.duplicate_key(b'{"a": 1, "b": [{"a": 2}]}') is None
    assert schema.duplicate_key(b"{broken") is None
    with pytest.raises(schema.DuplicateKey):
        json.loads('{"k": 1, "k": 2}', object_pairs_hook=schema.no_duplicates)


def test_rows_keep_unknown_fields_as_json_and_invitation_times_in_utc():
    import datetime as dt

    p = schema.Profile.model_validate(
        {"profile_id": "x", "ø": "å", "invitation": {"sent_at": "2026-01-02T03:04:05"}}
    )
    row = schema.to_row(p)
    assert row["extra"] == '{"ø": "å"}'
    assert row["invitation"]["sent_at"] == dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    aware = schema.Profile.model_validate(
        {"profile_id": "x", "invitation": {"sent_at": "2026-01-02T03:04:05+02:00"}}
    )
    sent = schema.to_row(aware)["invitation"]["sent_at"]
    assert sent.utcoffset() == dt.timedelta(hours=2) and schema.to_row(aware)["extra"] is None
    assert schema.empty_table().num_rows == 0 and schema.empty_table().schema == schema.ARROW_SCHEMA
