"""The README's snippets run as written, in a project where the pipeline has run: its Python
blocks, and the scoring commands with their sample output's form. (The 100,000-row example is
run with 500 rows; everything else is as printed.)"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import BIN, REPO, run

pytestmark = pytest.mark.slow

README = (REPO / "README.md").read_text(encoding="utf-8")


def blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


@pytest.mark.parametrize("index", range(len(blocks("python"))))
def test_python_snippets_run(trained_project, index):
    code = blocks("python")[index]
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=trained_project,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, f"README python block {index}:\n{code}\n{proc.stderr[-3000:]}"


def test_scoring_commands_run_and_print_what_the_readme_shows(trained_project):
    block = next(b for b in blocks("bash") if "fakeprofile score --input data/processed" in b)
    commands = []
    for line in block.replace("\\\n", " ").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            commands.append(line.replace(".venv/bin/", f"{BIN}/").replace("--n 100000", "--n 500"))
    assert len(commands) == 4
    outputs = [run(["bash", "-c", c], trained_project).stdout for c in commands]
    shown = [ln[2:] for ln in block.splitlines() if ln.startswith("# ") and "read," in ln]
    pattern = re.sub(r"\d+", r"\\d+", re.escape(shown[0]))
    assert re.fullmatch(pattern, outputs[0].splitlines()[0]), (shown[0], outputs[0])
    version = re.search(r"model: (\S+)", outputs[0]).group(1)
    assert re.fullmatch(r"\d+\.\d+\.\d+\+hgb\.[0-9a-f]{8}\.p[0-9a-f]{8}", version)
