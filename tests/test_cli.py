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
