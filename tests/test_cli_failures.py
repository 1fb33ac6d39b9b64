"""Every command-line failure is one clear line in the user's language and a non-zero exit (issue 11, item 16)."""

import os
import subprocess
import sys

import pytest


def lindung(*args, cwd, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("LINDUNG_", "DATABASE_URL", "DJANGO_"))}
    environment.update({"LINDUNG_SECRET_KEY": "test-secret", "LINDUNG_ALLOWED_HOSTS": "localhost", **env})
    return subprocess.run([sys.executable, "-m", "lindung", *args], cwd=cwd, env=environment, capture_output=True,
                          text=True, timeout=120)


def test_a_database_folder_that_does_not_exist_is_one_indonesian_line(tmp_path):
    result = lindung("check", cwd=tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/nowhere/lindung.sqlite3")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith("Galat: Basis data")
    assert "nowhere" in lines[0] and "tidak ada" in lines[0]


def test_an_unreachable_database_server_is_one_english_line_when_asked(tmp_path):
    result = lindung("--lang", "en", "check", cwd=tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:1/none")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: The database") and "DATABASE_URL" in lines[0]


@pytest.mark.slow  # a real `lindung setup`: migrations and all 91,599 regions in a subprocess
def test_setup_in_a_folder_without_a_data_directory_prepares_it(tmp_path):
    """The reported case: ``lindung setup`` where no ``lindung-data`` folder exists yet."""
    result = lindung("setup", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "lindung-data" / "lindung.sqlite3").exists()
    assert "91.599 wilayah" in result.stdout and "Traceback" not in result.stderr


def test_a_missing_command_argument_still_explains_itself(tmp_path):
    result = lindung("nik", cwd=tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/x.sqlite3")
    assert result.returncode == 2 and "Traceback" not in result.stderr
