"""Summarise a mutmut run (mutants/**/*.meta) into reports/mutation.json: per module the mutants
killed, survived and without a test, the score, and each survivor with its diff and, where it has
been reviewed, why it is equivalent (tools/mutation_equivalent.json). Run by `make mutation`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

KILLED = {1, 3}
# Functions that only read and write files or warm caches: the slow pipeline tests cover them, and
# their mutants are counted apart, not in the score of the deciding code.
OUT_OF_SCOPE = re.compile(
    r"\.x_(run|log_run|store_lock|_requirements|_git_commit|warm|load_parts)__mutmut"
)
STATUS = {
    0: "survived",
    33: "no tests",
    5: "no tests",
    36: "timeout",
    24: "timeout",
    None: "not checked",
}


def main(out: Path, seconds: float | None) -> None:
    why = json.loads(Path("tools/mutation_equivalent.json").read_text(encoding="utf-8"))
    modules, survivors = {}, []
    for meta in sorted(Path("mutants/src").rglob("*.py.meta")):
        module = str(meta.relative_to("mutants")).removesuffix(".meta")
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        outside = sum(1 for k in codes if OUT_OF_SCOPE.search(k))
        codes = {k: c for k, c in codes.items() if not OUT_OF_SCOPE.search(k)}
        tally = Counter("killed" if c in KILLED else STATUS.get(c, "other") for c in codes.values())
        total = sum(tally.values())
        reviewed = [why.get(k, "") for k, c in codes.items() if c == 0]
        equivalent = sum(w.startswith("equivalent") for w in reviewed)
        killed_later = sum(w.startswith("killed by") for w in reviewed)
        modules[module] = {
            "mutants": total,
            "out_of_scope_not_counted": outside,
            **dict(sorted(tally.items())),
            "score": round(tally["killed"] / total, 4) if total else None,
            # Survivors reviewed: equivalent ones left out, ones killed by a test added since
            # (checked by planting them) counted as killed.
            "equivalent": equivalent,
            "killed_by_tests_added_after_the_run": killed_later,
            "score_after_review": round((tally["killed"] + killed_later) / (total - equivalent), 4)
            if total - equivalent
            else None,
        }
        for name, code in sorted(codes.items()):
            if code != 0:  # killed, or counted above as without a test / not checked
                continue
            diff = subprocess.run(
                [sys.executable, "-m", "mutmut", "show", name], capture_output=True, text=True
            ).stdout
            survivors.append(
                {
                    "mutant": name,
                    "module": module,
                    "status": STATUS.get(code, str(code)),
                    "why_equivalent": why.get(name),
                    "diff": "\n".join(line for line in diff.splitlines() if line[:1] in "+-@"),
                }
            )
    killed = sum(m.get("killed", 0) for m in modules.values())
    total = sum(m["mutants"] for m in modules.values())
    later = sum(m["killed_by_tests_added_after_the_run"] for m in modules.values())
    equivalent = sum(m["equivalent"] for m in modules.values())
    report = {
        "tool": "mutmut 3.8.1 over the fast suite (pytest -m 'not slow'), see [tool.mutmut]",
        "wall_seconds": seconds,
        "total": {
            "mutants": total,
            "killed": killed,
            "score": round(killed / total, 4),
            "score_after_review": round((killed + later) / (total - equivalent), 4),
        },
        "modules": modules,
        "survivors": survivors,
    }
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        json.dumps(report["total"]), *(f"{k}: {v['score']}" for k, v in modules.items()), sep="\n"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), float(sys.argv[2]) if len(sys.argv) > 2 else None)
