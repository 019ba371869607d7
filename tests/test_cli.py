"""The command line: every subcommand has help; errors are one line and a non-zero exit."""

import subprocess
import sys

import pytest

from fakeprofile.cli import build_parser, main

COMMANDS = ["schema", "generate", "validate", "featurize", "where"]


def test_top_level_help_lists_every_subcommand():
    text = build_parser().format_help()
    for c in COMMANDS:
        assert c in text


@pytest.mark.parametrize("command", COMMANDS)
def test_every_subcommand_has_help(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0 and "--params" in capsys.readouterr().out


def test_missing_params_file_is_one_line_error(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "fakeprofile.cli",
            "validate",
            "--params",
            str(tmp_path / "no.yaml"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0 and "not found" in proc.stderr


def test_a_bad_number_in_params_is_one_line_error(tmp_path):
    (tmp_path / "p.yaml").write_text("score:\n  chunk_rows: abc\n")
    (tmp_path / "in.jsonl").write_text('{"profile_id": "a"}\n')
    cmd = ["score", "--input", str(tmp_path / "in.jsonl"), "--output", str(tmp_path / "o.csv")]
    proc = subprocess.run(
        [sys.executable, "-m", "fakeprofile.cli", *cmd, "--params", str(tmp_path / "p.yaml")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        f"fakeprofile score: error: {tmp_path / 'p.yaml'}: score.chunk_rows must be a whole "
        "number at least 1, got 'abc'"
    )
