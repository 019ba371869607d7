"""Issue 23 against a trained pipeline (3,000 generated profiles): red flags are never accepted in
any of the six languages, disguises do not lower the score, machine-written fakes are not
accepted, and reasons name concrete signs (the note whenever it raised the score)."""

from __future__ import annotations

import json
import random

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import disguises as D
from fakeprofile import load_model
from fakeprofile.synth.generate import GenConfig, make_profile
from test_features_evasion import PHONE, PHONE_TRICKS, PHONE_WORDS, PLAIN, WORD_TRICKS, _word

pytestmark = pytest.mark.slow

# Pitches, money bait and channel moves per language, plain (written for this test).
RED = {
    "en": [
        "Write me on WhatsApp",
        "Great crypto investment, guaranteed profit",
        "Book a free demo: bit.ly/x1",
    ],
    "da": [
        "Skriv til mig på WhatsApp",
        "Tjen penge på krypto med garanti",
        "Se mere på www.tilbud.dk",
    ],
    "sv": [
        "Skriv till mig på Telegram",
        "Tjäna pengar på krypto, garanterad vinst",
        "Mejla mig: a.b@gmail.com",
    ],
    "nb": [
        "Send meg en melding på WhatsApp",
        "Tjene penger på investering med garanti",
        "Ring meg på +47 912 34 567",
    ],
    "nl": [
        "Stuur me een bericht op WhatsApp",
        "Geld verdienen met crypto, gegarandeerd rendement",
        "Kijk op bit.ly/x1",
    ],
    "de": [
        "Schreib mir auf WhatsApp",
        "Geld verdienen mit Krypto, garantierte Rendite",
        "Mehr unter www.angebot.de",
    ],
}
VAGUE = (
    "unusual writing",
    "work history looks unusual",
    "unusual profile photo",
    "unusual characters in the text",
    "unusual network",
    "unusual invitation pattern",
    "few details in the profile sections",
    "impersonal invitation note",
    "new account",
)


@pytest.fixture(scope="module")
def model(trained_project):
    return load_model(trained_project / "models/fakeprofile.joblib")


@pytest.fixture(scope="module")
def records(trained_project) -> list[dict]:
    table = pq.read_table(trained_project / "data/processed/test_profiles.parquet")
    return [
        json.loads(
            json.dumps({k: v for k, v in r.items() if v is not None and k != "extra"}, default=str)
        )
        for r in table.to_pylist()
    ]


@pytest.fixture(scope="module")
def accepted(model, records) -> list[dict]:
    """Test profiles the model accepts with their own note (complete, established ones)."""
    out = model.score(records)
    return [r for r, d in zip(records, out["decision"], strict=True) if d == "accept"][:40]


def with_note(r: dict, note: str) -> dict:
    inv = r.get("invitation") or {}
    return {**r, "invitation": {**inv, "message": note}}


@pytest.mark.parametrize("lang", list(RED))
def test_red_flags_are_never_accepted(model, accepted, lang):
    assert len(accepted) >= 20
    notes = [*RED[lang], PLAIN[lang].format(phone=PHONE)]
    notes += [n.replace("WhatsApp", _word("WhatsApp", "leet")) for n in notes]
    # Every trick of tests/disguises on the pitch, channel move and money bait notes.
    for plain in D.NOTES[lang].values():
        notes += [t(plain, random.Random(k)) for k, t in enumerate(D.TRICKS.values())]
    batch = [with_note(r, n) for r in accepted for n in notes]
    out = model.score(batch)
    assert (out["decision"] != "accept").all()
    for reasons in out["reasons"]:
        assert reasons, "a note kept from accept must say why"
        assert any(x.startswith("invitation") for x in reasons), reasons


def test_red_flag_features_only_raise_the_score(model, accepted):
    X = model.features(accepted)
    base = model.trained.proba(X)
    for col in ("invite_messenger", "invite_money_words", "invite_link", "invite_contact_bait"):
        # Where the invitation has a note (the count is defined): one more red flag never lowers
        # the score. Without a note the count is missing; a note added with a pitch also changes
        # `invite_has_note`, which tests/test_model_behaviour.py's direction tests cover.
        defined = X[col].notna().to_numpy()
        assert defined.sum() >= 10, col
        up = X.copy()
        up[col] = up[col] + 1
        assert (model.trained.proba(up)[defined] >= base[defined] - 1e-12).all(), col


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    k=st.integers(0, 39),
    lang=st.sampled_from(list(PLAIN)),
    tricks=st.lists(st.sampled_from(WORD_TRICKS), min_size=1, max_size=3, unique=True),
    phone=st.sampled_from([PHONE, *PHONE_TRICKS.values(), "words"]),
)
def test_a_disguised_note_scores_no_lower_than_the_plain_one(
    model, accepted, k, lang, tricks, phone
):
    """Each trick and combinations: the disguised note scores within 0.02 of the plain one, or
    higher (the disguise is a sign of its own). Its decision is never "accept"."""
    r = accepted[k % len(accepted)]
    plain = PLAIN[lang].format(phone=PHONE)
    disguised = PLAIN[lang].format(phone=PHONE_WORDS[lang] if phone == "words" else phone)
    rng = random.Random(k)
    for how in tricks:
        word = rng.choice(["WhatsApp", disguised.split()[1]])
        disguised = disguised.replace(word, _word(word, how), 1)
    out = model.score([with_note(r, plain), with_note(r, disguised)])
    p_plain, p_disguised = out["score"]
    assert p_disguised >= p_plain - 0.02, (plain, disguised)
    assert out["decision"][1] != "accept"


def test_machine_written_fakes_are_not_accepted(model):
    cfg = GenConfig(n=40000, seed=99, with_photos=False)
    fakes = []
    for i in range(40000):
        r, _ = make_profile(i, cfg)
        if r["fake_kind"] == "machine_written":
            fakes.append({k: v for k, v in r.items() if k not in ("label", "fake_kind", "segment")})
        if len(fakes) == 150:
            break
    out = model.score(fakes)
    assert (out["decision"] == "accept").mean() <= 0.10


def test_reasons_are_concrete_and_every_report_has_one(model, records):
    out = model.score(records)
    reported = out[out["decision"] == "report"]
    assert len(reported) > 10
    assert all(len(r) >= 1 for r in reported["reasons"])
    for reasons in out["reasons"]:
        for phrase in reasons:
            assert phrase not in VAGUE, phrase


def test_account_age_named_only_when_young(model, records):
    """Profiles that are not accepted, made five years old (past the genuine members' quarter
    median here): no reason names the account's age. Any age reason given on the test part
    names an account under a year old or under a quarter of the genuine median."""
    typical = model.neutral["activity_account_age_days"]
    assert 0.25 * typical < 5 * 365  # so five years is not young next to genuine members
    out = model.score(records)
    for reasons in out["reasons"]:
        for phrase in reasons:
            if phrase.startswith("young account"):
                assert float(phrase.split()[2]) < 0.25 * typical / 365.25 + 0.05, phrase
            elif "account" in phrase and "old" in phrase:
                raise AssertionError(phrase)
    flagged = [r for r, d in zip(records, out["decision"], strict=True) if d != "accept"][:80]
    old = [{**r, "created_at": "2021-05-01"} for r in flagged]
    for reasons in model.score(old)["reasons"]:
        assert not any("account" in x for x in reasons), reasons
