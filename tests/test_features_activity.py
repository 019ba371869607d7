"""features/activity.py against a per-record reference written from the definition: every count
present, zero and missing, with and without a window, an age or the activity section."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

import numpy as np
import pytest

from fakeprofile.data.schema import ACTIVITY_NAMES
from fakeprofile.features import ProfileFeatures

AS_OF = date(2026, 6, 30)
NAN = float("nan")


def reference(r: dict) -> dict[str, float]:
    """One record's activity features, from the definition in activity.py's docstring."""
    inv = r.get("invitation") or {}
    as_of = date.fromisoformat(inv["sent_at"][:10]) if inv.get("sent_at") else AS_OF
    age = (as_of - date.fromisoformat(r["created_at"])).days if r.get("created_at") else NAN
    act = r.get("activity")
    counts = {
        n: NAN if act is None or act.get(n) is None else float(act[n]) for n in ACTIVITY_NAMES
    }
    window = NAN if act is None or act.get("window_days") is None else float(act["window_days"])
    # The window, even for a younger account; lifetime counts (no window) get no rate: over the
    # account's age, a younger account would look busier.
    span = NAN if act is None or math.isnan(window) else max(window, 1)
    out = {"activity_account_age_days": age}
    for n, c in counts.items():
        out[f"activity_{n}"] = c
        out[f"activity_{n}_per_30d"] = c * 30 / span if span == span and span else NAN
    known = [c for c in counts.values() if not math.isnan(c)]
    total = sum(known) if known else NAN
    out["activity_total_per_30d"] = total * 30 / span if span == span else NAN
    out["activity_none"] = NAN if math.isnan(total) else float(total == 0)
    conn, fol, fwg = (
        NAN if r.get(k) is None else float(r[k]) for k in ("connections", "followers", "following")
    )
    out |= {"activity_connections": conn, "activity_followers": fol, "activity_following": fwg}
    out["activity_followers_per_connection"] = fol / max(conn, 1) if conn == conn else NAN
    out["activity_following_per_connection"] = fwg / max(conn, 1) if conn == conn else NAN
    # Ratios among the counts themselves, and the network counts per 30 days of the account.
    posts = counts["posts"]
    out["activity_followers_per_following"] = fol / max(fwg, 1) if fwg == fwg else NAN
    out["activity_posts_per_follower"] = posts / max(fol, 1) if fol == fol else NAN
    out["activity_following_per_30d"] = fwg * 30 / max(age, 1) if age == age else NAN
    out["activity_followers_per_30d"] = fol * 30 / max(age, 1) if age == age else NAN
    return out


def random_record(rng: random.Random, i: int) -> dict:
    r: dict = {"profile_id": f"p{i}"}
    if rng.random() < 0.8:
        r["created_at"] = (
            AS_OF - timedelta(days=rng.choice([0, 1, 5, 40, 89, 90, 91, 4000]))
        ).isoformat()
    if rng.random() < 0.5:
        day = AS_OF - timedelta(days=rng.randint(0, 30))
        r["invitation"] = {"sent_at": f"{day.isoformat()}T10:00:00Z"}
    if rng.random() < 0.85:
        act = {}
        for n in (*ACTIVITY_NAMES, "window_days"):
            roll = rng.random()
            if roll < 0.25:
                continue  # missing
            low = 1 if n == "window_days" else 0  # a window is at least a day
            act[n] = low if roll < 0.5 else rng.randint(1, 400)
        r["activity"] = act
    for k in ("connections", "followers", "following"):
        roll = rng.random()
        if roll > 0.2:
            r[k] = 0 if roll < 0.35 else rng.randint(1, 3000)
    return r


@pytest.fixture(scope="module")
def featurizer():
    return ProfileFeatures(as_of=AS_OF.isoformat()).fit([{"profile_id": "x"}])


def test_activity_features_equal_the_reference(featurizer):
    rng = random.Random(5)
    records = [random_record(rng, i) for i in range(400)]
    records += [  # the edges, by hand
        {"profile_id": "none", "activity": {n: 0 for n in ACTIVITY_NAMES}},
        {"profile_id": "all-missing", "activity": {"window_days": 90}},
        {"profile_id": "new", "created_at": AS_OF.isoformat(), "activity": {"posts": 3}},
    ]
    got = featurizer.transform(records)
    activity = [c for c in got.columns if c.startswith("activity_")]
    assert sorted(activity) == sorted(reference(records[0])), "a column without a reference"
    for i, r in enumerate(records):
        want = reference(r)
        for name, value in want.items():
            np.testing.assert_allclose(got.at[i, name], value, rtol=1e-12, err_msg=f"{name} of {r}")


def test_each_count_is_its_own_column():
    """A count moved to another name would still pass a sum check: each one alone."""
    f = ProfileFeatures(as_of=AS_OF.isoformat()).fit([{"profile_id": "x"}])
    for k, name in enumerate(ACTIVITY_NAMES):
        act = {n: (7 if n == name else 0) for n in ACTIVITY_NAMES} | {"window_days": 30}
        got = f.transform([{"profile_id": "a", "activity": act}]).iloc[0]
        for other in ACTIVITY_NAMES:
            assert got[f"activity_{other}"] == (7 if other == name else 0), (name, other)
            assert got[f"activity_{other}_per_30d"] == (7 if other == name else 0), (name, other)
        assert got["activity_total_per_30d"] == 7 and got["activity_none"] == 0, k
