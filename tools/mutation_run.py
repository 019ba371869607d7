"""Mutation testing of the deciding modules, one module at a time (`make mutation`).

    python tools/mutation_run.py [--label before|after] [module ...]

Each module is mutated by mutmut in its own scratch copy (mutants/<name>/, the [tool.mutmut]
section of pyproject.toml with only that module and only its fast tests, MODULES below), niced,
one test process at a time: the machine is shared. Its score, the time it took and its surviving
mutants (with the review in tools/mutation_equivalent.json) go into reports/mutation.json under
the label, next to the other label's figures, so the score before and after new tests stays on
record."""

from __future__ import annotations

import argparse
import ast
import difflib
import functools
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

# module -> its fast tests (and a -k filter): the tests that decide whether a mutant is killed.
# Tests that build the session model (conftest.small_model) are left out: each mutant would
# rebuild it.
MODULES: dict[str, list[str]] = {
    "modeling/train.py": ["tests/test_train.py", "tests/test_train_thresholds.py"],
    # The fitted model (proba, decide, the red-flag floor), out of train.py since the redesign.
    "modeling/fitted.py": ["tests/test_train.py", "tests/test_train_thresholds.py"],
    "inference/explain.py": ["tests/test_explain.py", "-k", "not real_model"],
    "inference/score.py": ["tests/test_score_fast.py", "-k", "not several_workers"],
    # test_score_fast.py is left out: its run alone takes minutes, twice before the first mutant.
    "data/validate.py": ["tests/test_validate.py"],
    "data/records.py": ["tests/test_validate.py", "tests/test_schema.py"],
    "data/check.py": [
        "tests/test_check.py",
        "tests/test_validate.py",
        "tests/test_validate_arrow.py",
        "tests/test_score_fast.py",
        "-k",
        "not several_workers",
    ],
    "data/validate_arrow.py": [
        "tests/test_validate_arrow.py",
        "tests/test_validate_arrow_tables.py",
    ],
    "data/schema.py": ["tests/test_schema.py", "tests/test_validate.py"],
    "features/activity.py": ["tests/test_features_activity.py", "tests/test_features.py"],
    "features/completeness.py": ["tests/test_features_completeness.py", "tests/test_features.py"],
    "features/spelling.py": ["tests/test_features_spelling.py"],
    "features/text.py": ["tests/test_features_text.py"],
    "features/invitation.py": [
        "tests/test_features_invitation.py",
        "tests/test_features_families.py",
        "tests/test_features_invitation_reference.py",
    ],
    "features/style.py": [
        "tests/test_features_style.py",
        "tests/test_features_families.py",
        "tests/test_features_style_reference.py",
    ],
    # The reason phrases (features/phrases.py), read by inference/explain.
    "features/phrases.py": [
        "tests/test_explain.py",
        "tests/test_phrases.py",
        "-k",
        "not real_model",
    ],
    "features/photo.py": ["tests/test_features_photo.py", "tests/test_features_photo_units.py"],
    # The table helpers every family reads its columns with (num, present, safe_div, ...).
    "features/frame.py": [
        "tests/test_features_families.py",
        "tests/test_features_activity.py",
        "tests/test_features_frame.py",
    ],
    "features/lexicon.py": ["tests/test_features_lexicon.py"],
    "modeling/split.py": ["tests/test_split.py"],
    # The growth-order test is left out: it measures CPU time, which a busy machine blurs.
    "features/evasion.py": [
        "tests/test_features_evasion.py",
        "tests/test_features_invitation.py",
        "tests/test_features_evasion_cases.py",
        "-k",
        "not grows_linearly",
    ],
    "modeling/evaluate.py": ["tests/test_evaluate_metrics.py", "tests/test_evaluate_reports.py"],
    "inference/predictor.py": [
        "tests/test_predictor_verdicts.py",
        "tests/test_predictor.py",
        "-k",
        "not training_code_cannot and not load_alike and not same_file_bytes",  # small_model's
    ],
    "tracking/export.py": ["tests/test_export.py"],
    "tracking/runs.py": ["tests/test_tracking.py"],
}
# --rerun-survivors: a mutant the before run left alive survived every test it had, so only the
# tests added since can kill it; where they are in files of their own, only those files run.
NEW_TESTS: dict[str, list[str]] = {
    "modeling/evaluate.py": ["tests/test_evaluate_metrics.py"],
    "inference/predictor.py": ["tests/test_predictor_verdicts.py"],
    "modeling/split.py": ["tests/test_split.py", "-k", "hand_made_frame"],
    "features/invitation.py": ["tests/test_features_invitation_reference.py"],
    "features/evasion.py": ["tests/test_features_evasion_cases.py"],
    "features/style.py": ["tests/test_features_style_reference.py"],
    "data/check.py": ["tests/test_check.py"],
    "data/validate_arrow.py": ["tests/test_validate_arrow_tables.py"],
    "features/phrases.py": ["tests/test_phrases.py"],
    "features/photo.py": ["tests/test_features_photo_units.py"],
    "features/frame.py": ["tests/test_features_frame.py"],
    "features/lexicon.py": ["tests/test_features_lexicon.py", "-k", "at_their_cuts or part_zipf"],
}
KILLED = {1, 3}
STATUS = {
    0: "survived",
    33: "no tests",
    5: "no tests",
    36: "timeout",
    24: "timeout",
    -24: "timeout",  # SIGXCPU: the CPU-time limit mutmut sets (a mutant that loops forever)
    None: "not checked",  # the run was stopped before it came to this mutant
}
# Functions that only read and write files or warm caches: the slow pipeline tests cover them, and
# their mutants are counted apart, not in the score of the deciding code.
OUT_OF_SCOPE = re.compile(
    r"\.x_(run|log_run|store_lock|_requirements|_git_commit|warm|load_parts)__mutmut"
)
# Modules whose deciding part is some of their functions: only these functions' mutants count
# (evaluate.py: the metrics and which metrics a model gets, not the figures and files).
FUNCTIONS = {
    "modeling/evaluate.py": re.compile(
        r"\.x_(tpr_at_fpr|scores|fold_spread|segments|decides|headline)__mutmut"
    ),
}
NICE = "15"
REPORT = Path("reports/mutation.json")


def in_scope(module: str, key: str) -> bool:
    wanted = FUNCTIONS.get(module)
    return not OUT_OF_SCOPE.search(key) and (wanted is None or bool(wanted.search(key)))


def workdir(module: str, label: str) -> Path:
    return Path("mutants") / (module.replace("/", "_").removesuffix(".py") + "-" + label)


def exit_codes(work: Path, module: str) -> dict[str, int | None]:
    meta = work / "mutants/src/fakeprofile" / (module + ".meta")
    return json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]


def scratch_copy(
    module: str, label: str, tests_from: str | None, tests: list[str] | None = None
) -> Path:
    """A copy of src, tests and params with a [tool.mutmut] section for this module alone; the
    tests as of commit `tests_from` if given (the score before new tests)."""
    work = workdir(module, label)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for name in ("src", "tests", "scripts"):  # tests/conftest.py imports a script's helpers
        shutil.copytree(name, work / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy("params.yaml", work)
    if tests_from:
        shutil.rmtree(work / "tests")
        archive = subprocess.run(["git", "archive", tests_from, "tests"], capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(work)], input=archive.stdout, check=True)
    text = Path("pyproject.toml").read_text(encoding="utf-8")
    common = tomllib.loads(text)["tool"]["mutmut"]
    settings = common | {
        "only_mutate": ["src/fakeprofile/" + module],
        # Test files added after `tests_from` are left out of its run.
        "pytest_add_cli_args_test_selection": [
            t for t in tests or MODULES[module] if not t.endswith(".py") or (work / t).exists()
        ],
        "also_copy": [*common["also_copy"], "scripts"],
        # pytest's own temporary folder, not the shared default another run may be clearing.
        "pytest_add_cli_args": common["pytest_add_cli_args"]
        + [f"--basetemp=/tmp/bt-mutation-{work.name}"],
    }
    section = ["[tool.mutmut]"] + [f"{k} = {json.dumps(v)}" for k, v in settings.items()]
    made = workdir(module, "before") / "mutants/src"
    if label == "after" and tests and made.is_dir():
        # The before run's mutants, as they are: mutmut keeps a mutated file newer than its
        # source instead of making it again (minutes for a large module).
        shutil.copytree(made, work / "mutants/src")
    head = text[: text.index("[tool.mutmut]")]
    (work / "pyproject.toml").write_text(head + "\n".join(section) + "\n", encoding="utf-8")
    return work


@functools.cache
def _functions(path: Path) -> dict[str, list[str]]:
    """Source lines of every function in a mutated file, by name."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    return {
        n.name: lines[n.lineno - 1 : n.end_lineno]
        for n in ast.walk(ast.parse(source))
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
    }


def diff_of(work: Path, module: str, name: str) -> str:
    """What mutant `name` changed, as a diff of its function against the original (what
    `mutmut show` prints, without starting mutmut for each survivor)."""
    functions = _functions(work / "mutants/src/fakeprofile" / module)
    func = name.rsplit(".", 1)[-1]
    orig = func.rsplit("__mutmut_", 1)[0] + "__mutmut_orig"
    found = {k: functions[k] for k in (func, orig) if k in functions}
    if len(found) != 2:
        return ""
    a, b = found[orig][1:], found[func][1:]  # bodies: the def lines differ by name only
    return "\n".join(difflib.unified_diff(a, b, lineterm="", n=0))


def tally(
    work: Path, module: str, seconds: float, why: dict, tests_from: str | None, codes: dict
) -> tuple[dict, list]:
    outside = sum(1 for k in codes if not in_scope(module, k))
    codes = {k: c for k, c in codes.items() if in_scope(module, k)}
    counts = Counter("killed" if c in KILLED else STATUS.get(c, "other") for c in codes.values())
    total = sum(counts.values()) - counts["not checked"]  # the score is of the checked ones
    survived = sorted(k for k, c in codes.items() if c not in KILLED and c is not None)
    equivalent = sum(why.get(k, "").startswith("equivalent") for k in survived)
    result = {
        "mutants": total,
        "out_of_scope_not_counted": outside,
        **dict(sorted(counts.items())),
        "score": round(counts["killed"] / total, 4) if total else None,
        "equivalent": equivalent,
        "score_without_equivalent": round(counts["killed"] / (total - equivalent), 4)
        if total - equivalent
        else None,
        "wall_seconds": round(seconds),
        "tests": MODULES[module],
        "tests_from_commit": tests_from,
    }
    survivors = []
    for name in survived:
        shown = diff_of(work, module, name) if codes[name] == 0 else ""
        survivors.append(
            {
                "mutant": name,
                "module": module,
                "status": STATUS.get(codes[name], str(codes[name])),
                "why": why.get(name),
                "diff": "\n".join(
                    x for x in shown.splitlines() if x[:1] in "+-" and x[:3] not in ("---", "+++")
                )
                or None,
            }
        )
    return result, survivors


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("modules", nargs="*", default=list(MODULES))
    ap.add_argument(
        "--label",
        default="after",
        choices=["before", "after", "wider"],
        help="wider: a further sample (another --seed) with today's tests, recorded apart",
    )
    ap.add_argument("--tests-from", help="commit whose tests to use (for the score before)")
    ap.add_argument(
        "--rerun-survivors",
        action="store_true",
        help="after: run only the mutants that the 'before' run did not kill (tests were only "
        "added since, so a mutant killed before is killed still)",
    )
    ap.add_argument(
        "--sample",
        type=int,
        metavar="N",
        help="run a random sample of N of the module's in-scope mutants (seed --seed) instead of "
        "all: the score is then the sample's, with its size on record",
    )
    ap.add_argument("--seed", type=int, default=26, help="seed of --sample")
    ap.add_argument(
        "--tally-only",
        type=float,
        metavar="SECONDS",
        help="only record the existing run of the label (one stopped part-way), which took SECONDS",
    )
    ap.add_argument(
        "--planted",
        action="store_true",
        help="after, without a new mutmut run: the before run's results, with each survivor "
        "whose review says 'killed by ... planting' counted as killed (each such mutant was run "
        "by hand against the new test in the before run's scratch copy, MUTANT_UNDER_TEST=name)",
    )
    args = ap.parse_args()
    why = json.loads(Path("tools/mutation_equivalent.json").read_text(encoding="utf-8"))
    env = os.environ | {"OMP_NUM_THREADS": "1"}
    for module in args.modules:
        if args.planted:
            work = workdir(module, "before")
            codes = exit_codes(work, module)
            planted = {
                k
                for k, c in codes.items()
                if c is not None
                and c not in KILLED
                and re.match(r"killed by .*planting", why.get(k, ""))
            }
            codes = {k: 1 if k in planted else c for k, c in codes.items()}
            old = json.loads(REPORT.read_text(encoding="utf-8"))["modules"][module]["before"]
            result, survivors = tally(work, module, 0, why, None, codes)
            result |= {
                "wall_seconds": 0,
                "method": "the before run's results; survivors killed by tests added since "
                "were checked one by one by planting them (MUTANT_UNDER_TEST) in its scratch copy",
                "killed_by_planting": sorted(planted),
                "reran_only_the_survivors_of_before": False,
            }
            if "sample" in old:
                result["sample"] = old["sample"]
            record(module, "after", result, survivors)
            continue
        if args.tally_only is not None:
            work = workdir(module, args.label)
            codes = exit_codes(work, module)
            if args.rerun_survivors:  # mutants not rerun keep the before run's result
                before = exit_codes(workdir(module, "before"), module)
                rerun = {k for k, c in before.items() if c not in KILLED and c is not None}
                codes = {k: codes.get(k) if k in rerun else before[k] for k in before}
            sampled = workdir(module, args.label) / "sample.json"
            if not sampled.exists():
                sampled = workdir(module, "before") / "sample.json"
            if sampled.exists():  # a sample: the mutants outside it are not part of the run
                codes = {k: c for k, c in codes.items() if c is not None}
            result, survivors = tally(work, module, args.tally_only, why, args.tests_from, codes)
            result["reran_only_the_survivors_of_before"] = args.rerun_survivors
            if args.rerun_survivors and module in NEW_TESTS:  # what the rerun ran
                result["tests"] = NEW_TESTS[module]
            if sampled.exists():
                result["sample"] = json.loads(sampled.read_text(encoding="utf-8"))
            record(module, args.label, result, survivors)
            continue
        only_new = NEW_TESTS.get(module) if args.rerun_survivors else None
        work = scratch_copy(module, args.label, args.tests_from, only_new)
        env["PYTHONPATH"] = str((work / "src").resolve())
        start = time.monotonic()
        cmd = ["nice", "-n", NICE, sys.executable, "-m", "mutmut", "run", "--max-children", "1"]
        before: dict = {}
        sample: list[str] = []
        if args.rerun_survivors:
            before = exit_codes(workdir(module, "before"), module)
            rerun = {
                k
                for k, c in before.items()
                if c not in KILLED and c is not None and in_scope(module, k)
            }
            cmd += sorted(rerun)
        elif args.sample:
            # mutmut lists its mutants only once it has made them: a first call with a name that
            # matches none makes them (and the test statistics), then stops.
            with open(work / "mutmut-generate.log", "w") as log:
                subprocess.run(cmd + ["no-such-mutant"], cwd=work, env=env, stdout=log, stderr=log)
            population = sorted(k for k in exit_codes(work, module) if in_scope(module, k))
            n = min(args.sample, len(population))
            sample = sorted(random.Random(args.seed).sample(population, n))
            cmd += sample
        with open(work / "mutmut.log", "w") as log:
            if not before or rerun:
                subprocess.run(cmd, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
        codes = exit_codes(work, module) if not before or rerun else {}
        if before:  # the ones not rerun keep the result they had (killed); unsampled stay out
            codes = {
                k: codes.get(k) if k in rerun else c for k, c in before.items() if c is not None
            }
        elif sample:
            codes = {k: codes[k] for k in sample}
        seconds = time.monotonic() - start
        result, survivors = tally(work, module, seconds, why, args.tests_from, codes)
        result["reran_only_the_survivors_of_before"] = bool(before)
        chosen = tomllib.loads((work / "pyproject.toml").read_text(encoding="utf-8"))
        result["tests"] = chosen["tool"]["mutmut"]["pytest_add_cli_args_test_selection"]
        if sample:
            result["sample"] = {"size": len(sample), "of": len(population), "seed": args.seed}
        elif before:
            sampled = workdir(module, "before") / "sample.json"
            if sampled.exists():
                result["sample"] = json.loads(sampled.read_text(encoding="utf-8"))
        if sample:
            (work / "sample.json").write_text(json.dumps(result["sample"]), encoding="utf-8")
        record(module, args.label, result, survivors)


def record(module: str, label: str, result: dict, survivors: list) -> None:
    report = json.loads(REPORT.read_text(encoding="utf-8")) if REPORT.exists() else {}
    report.setdefault("modules", {}).setdefault(module, {})[label] = dict(sorted(result.items()))
    if label == "after":
        kept = [s for s in report.get("survivors", []) if s.get("module") != module]
        report["survivors"] = sorted(kept + survivors, key=lambda s: (s["module"], s["mutant"]))
    elif label == "before":
        report.setdefault("survivors_before", {})[module] = [s["mutant"] for s in survivors]
    else:  # a further sample: its survivors in full (diff and review), apart from the others
        report.setdefault(f"survivors_{label}", {})[module] = survivors
    # Modules in sorted order, so that runs of different modules merge line by line.
    for key in ("modules", "survivors_before", "survivors_wider"):
        if key in report:
            report[key] = dict(sorted(report[key].items()))
    REPORT.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(module, label, json.dumps({k: result[k] for k in ("mutants", "score")}), flush=True)


if __name__ == "__main__":
    main()
