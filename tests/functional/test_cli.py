"""The command line's own contract: unknown subcommands fail (exit 2, a message on stderr), even
with --help after them; known ones print their help and exit 0."""
import os
import subprocess

import pytest


@pytest.fixture
def binary(request):
    path = request.config.getoption("--faceloop")
    if not os.path.exists(path):
        pytest.skip(f"{path} not built")
    return path


def run(binary, *args):
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize("args", [["bogus"], ["bogus", "--help"], ["Serve", "--help"]])
def test_unknown_subcommand_is_an_error(binary, args):
    done = run(binary, *args)
    assert done.returncode == 2, done
    assert f"unknown subcommand '{args[0]}'" in done.stderr and done.stdout == ""


@pytest.mark.parametrize("command", ["serve", "insights", "users", "migrate", "import", "export", "eval"])
def test_known_subcommand_help(binary, command):
    done = run(binary, command, "--help")
    assert done.returncode == 0 and "Usage:" in done.stdout, done


def test_no_subcommand_is_an_error(binary):
    done = run(binary)
    assert done.returncode != 0 and "subcommand" in (done.stderr + done.stdout).lower()
