"""Activity and network (`activity_*`): what the account has done, and for how long it has existed.

Counts are normalised per 30 days of the window they were counted over, so sources with different
windows give comparable numbers; lifetime counts (no window) keep only their raw counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from fakeprofile.data.schema import ACTIVITY_NAMES
from fakeprofile.features.frame import field, num, safe_div


def compute(table: pa.Table, as_of_days: np.ndarray) -> pd.DataFrame:
    created = num(table.column("created_at").cast(pa.int32()))
    age_days = as_of_days - created
    window = num(field(table, "activity", "window_days"))
    has_activity = table.column("activity").is_valid().to_numpy(zero_copy_only=False)
    # Per 30 days of the window, even where the account is younger than it: so a younger account
    # never looks more active (a behavioural test: a younger account never lowers the score).
    # Lifetime counts (no window) get no rate: over the account's age, the same counts on a
    # younger account would look more active and lower its score; their raw counts remain.
    span = np.where(has_activity, np.clip(window, 1, None), np.nan)
    out = {"activity_account_age_days": age_days}  # framed once (see completeness.compute)
    counts = {}
    for name in ACTIVITY_NAMES:
        counts[name] = num(field(table, "activity", name))
        out[f"activity_{name}"] = counts[name]
        out[f"activity_{name}_per_30d"] = safe_div(counts[name] * 30.0, span)
    stacked = np.column_stack(list(counts.values()))
    total = np.nansum(stacked, axis=1)
    # No count known (the section holds only its window): no activity is not known either.
    total[~has_activity | np.isnan(stacked).all(axis=1)] = np.nan
    out["activity_total_per_30d"] = safe_div(total * 30.0, span)
    out["activity_none"] = np.where(np.isnan(total), np.nan, (total == 0).astype(float))
    conn = num(table.column("connections"))
    followers = num(table.column("followers"))
    following = num(table.column("following"))
    out["activity_connections"] = conn
    out["activity_followers"] = followers
    out["activity_following"] = following
    out["activity_followers_per_connection"] = safe_div(followers, np.maximum(conn, 1))
    out["activity_following_per_connection"] = safe_div(following, np.maximum(conn, 1))
    # Ratios among the counts themselves, for sources that have little else (a follower count,
    # a following count, a number of posts): a spammer follows many and is followed by few.
    posts = counts["posts"]
    out["activity_followers_per_following"] = safe_div(followers, np.maximum(following, 1))
    out["activity_posts_per_follower"] = safe_div(posts, np.maximum(followers, 1))
    out["activity_following_per_30d"] = safe_div(following * 30.0, np.clip(age_days, 1, None))
    out["activity_followers_per_30d"] = safe_div(followers * 30.0, np.clip(age_days, 1, None))
    return pd.DataFrame(out)
