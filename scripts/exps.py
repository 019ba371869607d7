"""DVC experiments side by side in 120 columns: one row per experiment with the params that
differ between the rows and the chosen model's headline test metrics.

    .venv/bin/python scripts/exps.py        (what `make exps` runs; -A: all branches)

`dvc exp show` prints every param and every metric with its file path, which no terminal fits;
this reads its JSON output (`dvc exp show --json`) and keeps what tells experiments apart.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

METRICS = (  # the DVC metrics' names (evaluate.DVC_NAMES) and their headers here
    ("auc", "AUC"),
    ("pr_auc", "PR AUC"),
    ("tpr_1pct", "TPR@1%"),
    ("brier", "Brier"),
    ("accept", "accept"),
    ("fake_acc", "fakes acc."),
)


def flatten(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out |= flatten(v, f"{prefix}{k}.")
        else:
            out[f"{prefix}{k}"] = v
    return out


def rows(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Workspace, baseline commits and their experiments, each as name, params and metrics."""
    out = []

    def add(entry: dict[str, Any], name: str) -> None:
        data = entry.get("data") or {}
        params = flatten((data.get("params") or {}).get("params.yaml", {}).get("data", {}))
        metrics = {}
        for m in (data.get("metrics") or {}).values():
            for key, value in (m.get("data") or {}).items():
                if isinstance(value, int | float) and not isinstance(value, bool):
                    metrics[key] = value
        out.append({"name": name, "params": params, "metrics": metrics})

    for entry in entries:
        rev = entry["rev"]
        add(entry, entry.get("name") or (rev if rev == "workspace" else rev[:7]))
        for exp in entry.get("experiments") or []:
            for rev in exp.get("revs") or []:
                add(rev, f"  {rev.get('name') or rev['rev'][:7]}")
    return out


def table(items: list[dict[str, Any]], width: int = 120) -> str:
    items = [r for r in items if r["metrics"]]
    keys = sorted({k for r in items for k in r["params"]})
    changed = [
        k for k in keys if len({json.dumps(r["params"].get(k), sort_keys=True) for r in items}) > 1
    ]
    # Metrics first: a long list of changed params is what the width cuts off.
    headers = ["experiment", *(label for _, label in METRICS), *changed]
    body = [
        [
            r["name"],
            *(f"{r['metrics'][key]:.4f}" if key in r["metrics"] else "-" for key, _ in METRICS),
            *(str(r["params"].get(k, "-")) for k in changed),
        ]
        for r in items
    ]
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *body, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in body]
    return "\n".join(line.rstrip()[:width] for line in lines)


def main(argv: list[str]) -> int:
    dvc = Path(sys.executable).with_name("dvc")  # this environment's DVC, as make's is
    proc = subprocess.run(
        [str(dvc) if dvc.exists() else "dvc", "exp", "show", "--json", *argv],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        print(proc.stderr.strip() or "dvc exp show failed", file=sys.stderr)
        return proc.returncode
    print(table(rows(json.loads(proc.stdout))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
