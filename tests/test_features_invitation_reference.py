"""features/invitation.py's table features against a per-record reference written from the
definition: each note normalised on its own (evasion.normalise), each pattern counted in that one
note, no note or no invitation NaN, contact bait, the canned flag at 0.6, and the trick counts."""

from __future__ import annotations

import math
import random

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from fakeprofile.data import schema
from fakeprofile.features import evasion, invitation
from fakeprofile.features.frame import to_table
from fakeprofile.kernels.utf8 import UNKNOWN
from test_features_invitation import reference_similarity

NAN = float("nan")
PATTERNS = {
    "invite_link": invitation.LINK,
    "invite_email": invitation.EMAIL,
    "invite_messenger": invitation.MESSENGER,
    "invite_money_words": invitation.MONEY,
    "invite_urgency_words": invitation.URGENCY,
    "invite_job_begging": invitation.JOB_BEG,
}
# Pieces of notes: plain words, canned texts, and every kind of bait, some in disguise.
PIECES = [
    *invitation.CANNED,
    "Hi Anna",
    "great to meet you at the conference",
    "vi sås i Malmö",
    "tot ziens",
    "write me on WhatsApp",
    "Whats\u200bApp",
    "W h a t s A p p",
    "WhatsАpp",  # Cyrillic А
    "telegrm",
    "call +44 7700 900123",
    "+45 12 34 56 78",
    "anna.b@gmail.com",
    "anna at gmail dot com",
    "https://bit.ly/xyz",
    "bit . ly/abc",
    "hxxp://example.com",
    "earn 500 € today",
    "Spar 50 % nu",
    "free demo",
    "crypto profit",
    "book now",
    "urgent",
    "kindly give me a job sir",
    "any job",
    "3arn m0ney",
    "!!!",
    "😀",
]


def reference(r: dict) -> dict[str, float]:
    """One record's invitation features, from the definition in invitation.py."""
    inv = r.get("invitation")
    note, tricks = evasion.normalise((inv or {}).get("message") or "")
    out = {f"text_evasion_note_{t}": float(c) for t, c in zip(evasion.TRICKS, tricks, strict=True)}
    for name in ("mutual_connections", "invitations_sent_last_7d", "acceptance_rate"):
        value = None if inv is None else inv.get(name)
        key = "sent_last_7d" if name == "invitations_sent_last_7d" else name
        out[f"invite_{key}"] = NAN if value is None else float(value)
    if inv is None:
        content = dict.fromkeys(
            ["invite_has_note", "invite_note_canned_similarity", "invite_note_canned"]
            + [*PATTERNS, "invite_phone", "invite_contact_bait"],
            NAN,
        )
        return out | content
    if not note:
        content = dict.fromkeys([*invitation.CONTENT, "invite_contact_bait"], NAN)
        return out | content | {"invite_has_note": 0.0}
    counts = {
        name: float(pc.count_substring_regex(pa.array([note]), pattern)[0].as_py())
        for name, pattern in PATTERNS.items()
    }
    similarity = reference_similarity(note)
    phone = float(evasion.phone_count(note))
    bait = phone + counts["invite_email"] + counts["invite_messenger"] > 0
    return (
        out
        | counts
        | {
            "invite_has_note": 1.0,
            "invite_note_canned_similarity": similarity,
            "invite_note_canned": float(similarity >= 0.6),
            "invite_phone": phone,
            "invite_contact_bait": float(bait),
        }
    )


def random_record(rng: random.Random, i: int) -> dict:
    r: dict = {"profile_id": f"p{i}"}
    if rng.random() < 0.15:
        return r
    inv: dict = {}
    kind = rng.random()
    if kind < 0.1:
        inv["message"] = None
    elif kind < 0.15:
        inv["message"] = ""
    elif kind >= 0.2:  # else no message key at all
        inv["message"] = rng.choice([" ", ". ", ", "]).join(
            rng.choices(PIECES, k=rng.randint(1, 4))
        )
    for name, values in (
        ("mutual_connections", [0, 1, 12, 500]),
        ("invitations_sent_last_7d", [0, 3, 99]),
        ("acceptance_rate", [0.0, 0.25, 1.0]),
    ):
        if rng.random() < 0.7:
            inv[name] = rng.choice(values)
    r["invitation"] = inv
    return r


def assert_equal_to_reference(records: list[dict]) -> None:
    table, tricks = invitation.normalise_notes(to_table(records))
    got = invitation.compute(table, tricks)
    want = [reference(r) for r in records]
    assert sorted(got.columns) == sorted(want[0])
    for name in got.columns:
        expected = np.array([w[name] for w in want], dtype=np.float64)
        np.testing.assert_array_equal(got[name].to_numpy(dtype=np.float64), expected, err_msg=name)


def test_invitation_features_equal_the_reference():
    rng = random.Random(26)
    records = [random_record(rng, i) for i in range(150)]
    # Repeats of one note (one distinct note, many rows) in between.
    records += [{"profile_id": f"r{i}", "invitation": {"message": PIECES[20]}} for i in range(3)]
    rng.shuffle(records)
    assert_equal_to_reference(records)


@pytest.mark.parametrize("start", [0, 1, 7])
def test_a_batch_with_no_trick_and_a_batch_of_one_equal_the_reference(start):
    plain = [
        {"profile_id": "a", "invitation": {"message": "great to meet you", "acceptance_rate": 0.5}},
        {"profile_id": "b", "invitation": {"message": invitation.CANNED[3]}},
        {"profile_id": "c"},
        {"profile_id": "d", "invitation": {"message": "", "mutual_connections": 4}},
        {"profile_id": "e", "invitation": {"message": "earn 500 € today, anna.b@gmail.com"}},
        {"profile_id": "f", "invitation": {"message": "WhatsАpp me"}},  # Cyrillic А: a trick
        {"profile_id": "g", "invitation": {}},
        {"profile_id": "h", "invitation": {"message": "call +44 7700 900123"}},
    ]
    assert_equal_to_reference(plain[start:])
    if start == 0:
        for r in plain:
            assert_equal_to_reference([r])


def test_hand_computed_note():
    """One note by hand: a messenger, a phone number, money, urgency, no link, no e-mail."""
    records = [
        {
            "profile_id": "x",
            "invitation": {
                "message": "Earn 500 € today! Write me on WhatsApp +44 7700 900123",
                "mutual_connections": 0,
            },
        },
        {"profile_id": "y", "invitation": {"message": None, "acceptance_rate": 0.25}},
    ]
    table, tricks = invitation.normalise_notes(to_table(records))
    x, y = (row for _, row in invitation.compute(table, tricks).iterrows())
    assert x["invite_has_note"] == 1 and x["invite_note_canned"] == 0
    assert x["invite_messenger"] == 1 and x["invite_phone"] == 1 and x["invite_email"] == 0
    assert x["invite_contact_bait"] == 1 and x["invite_link"] == 0
    assert x["invite_money_words"] == 2  # "Earn" and "500 €"
    assert x["invite_urgency_words"] == 1 and x["invite_job_begging"] == 0
    assert x["invite_mutual_connections"] == 0 and math.isnan(x["invite_acceptance_rate"])
    assert y["invite_has_note"] == 0 and y["invite_acceptance_rate"] == 0.25
    assert all(math.isnan(y[c]) for c in [*invitation.CONTENT, "invite_contact_bait"])
    assert math.isnan(y["invite_mutual_connections"])
    assert (x.filter(like="text_evasion_note_") == 0).all()


def test_red_flags_of_a_feature_table():
    X = invitation.compute(
        *invitation.normalise_notes(
            to_table(
                [
                    {"profile_id": "a", "invitation": {"message": "great to meet you"}},
                    {"profile_id": "b", "invitation": {"message": "see https://bit.ly/xyz"}},
                    {"profile_id": "c", "invitation": {"message": "mail anna.b@gmail.com"}},
                    {"profile_id": "d"},
                    {"profile_id": "e", "invitation": {"message": "earn money"}},
                ]
            )
        )
    )
    assert invitation.red_flags(X).tolist() == [False, True, True, False, True]
    assert invitation.red_flags(X[["invite_has_note"]]).tolist() == [False] * 5
    assert invitation.red_flags(X[["invite_email"]]).tolist() == [False, False, True, False, False]


def test_a_one_character_note_is_a_note_and_an_empty_batch_has_every_column():
    one = {"profile_id": "a", "invitation": {"message": "?"}}
    x = invitation.compute(*invitation.normalise_notes(to_table([one])))
    assert x.iloc[0]["invite_has_note"] == 1 and x.iloc[0]["invite_link"] == 0
    assert_equal_to_reference([one])
    table, tricks = invitation.normalise_notes(schema.ARROW_SCHEMA.empty_table())
    empty = invitation.compute(table, tricks)
    assert empty.shape == (0, 24) and list(empty.columns) == list(x.columns)


def test_trigram_codes_are_three_code_points_of_21_bits():
    for s in ["", "a", "I'd like", "Søren 😀", invitation.CANNED[4]]:
        padded = [ord(c) for c in f"  {s} "]
        want = [
            (a << 42) | (b << 21) | c
            for a, b, c in zip(padded, padded[1:], padded[2:], strict=False)
        ]
        assert invitation._gram_codes(s).tolist() == want
    every = {int(g) for c in invitation.CANNED for g in invitation._gram_codes(c)}
    assert invitation._CANNED_CODES.tolist() == sorted(every)


def test_characters_met_for_the_first_time_are_judged_as_the_definition():
    """The key's per-character table is filled as characters are met: notes made of characters
    this process has not met yet are read as notes of known ones."""
    unknown = np.flatnonzero(invitation._IN_KEY == UNKNOWN)
    rng = random.Random(26)
    fresh = [int(c) for c in rng.sample(list(unknown[(unknown > 0x250) & (unknown < 0xD800)]), 40)]
    texts = [
        "".join(chr(c) for c in fresh[k : k + 5]) + " connect with you" for k in range(0, 40, 5)
    ]
    got = invitation.canned_similarities(texts).tolist()
    assert got == [reference_similarity(t) for t in texts]


def test_without_trick_counts_a_table_has_none_and_a_lone_surrogate_is_read():
    records = [{"profile_id": "a", "invitation": {"message": "great to meet you"}}]
    table = to_table(records)
    zeros = np.zeros((1, len(evasion.TRICKS)))
    assert invitation.compute(table).equals(invitation.compute(table, zeros))
    text = "\ud800 I'd like to connect with you"  # Python strings may hold one; Arrow's cannot
    assert invitation.canned_similarity(text) == reference_similarity(text)
