"""docs/deployment.md is checked against the command, the settings, PostgreSQL and CI: every `lindung`
command and option it names exists, every variable is read by settings.py, every PostgreSQL setting
exists in the installed server, every option of the PostgreSQL programs it runs is one they know, and its
hot-standby recipe is the one .ci/run runs."""

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from .docs_support import ROOT, assert_command_and_options_exist, read
from .test_docs import variables_read_in_settings

TEXT = read("docs/deployment.md")
CI = read(".ci/run")


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", TEXT, flags=re.S)


def shell_lines() -> list[str]:
    return [line.strip() for block in blocks("sh") for line in block.splitlines()
            if line.strip() and not line.strip().startswith("#")]


def without_runuser(line: str) -> list[str]:
    words = shlex.split(line)
    return words[words.index("--") + 1:] if words[0] == "runuser" else words


def test_every_documented_lindung_command_and_option_exists():
    lines = [line for line in shell_lines() if line.startswith("lindung ")]
    lines += re.findall(r"`(lindung [^`]*)`", TEXT)
    assert len(lines) >= 10
    for line in lines:
        assert_command_and_options_exist(line)


def test_every_documented_variable_is_read_by_the_settings():
    named = set(re.findall(r"\b(LINDUNG_[A-Z_]+|DATABASE_URL)\b", TEXT))
    assert {"LINDUNG_DB_REPLICAS", "LINDUNG_DB_POOLER", "LINDUNG_FILES_DIR"} <= named
    assert named - variables_read_in_settings() == set()


def postgres_settings() -> set[str]:
    binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
    if not binaries:
        pytest.skip("no PostgreSQL server installed")
    run = subprocess.run(["runuser", "-u", "postgres", "--", str(binaries[-1]), "--describe-config"]
                         if shutil.which("runuser") else [str(binaries[-1]), "--describe-config"],
                         capture_output=True, text=True, timeout=30)
    assert run.returncode == 0, run.stderr
    return {line.split("\t", 1)[0] for line in run.stdout.splitlines()}


def test_every_documented_postgresql_setting_exists():
    conf = [block for block in blocks("ini") if "postgresql.conf" in block]
    named = {line.split("=")[0].strip() for block in conf for line in block.splitlines()
             if "=" in line and not line.startswith("#")}
    named |= set(re.findall(r"`([a-z_]+) = [^`]+`", TEXT)) - {"pool_mode"}
    assert {"archive_command", "restore_command", "recovery_target_time", "hot_standby_feedback"} <= named
    assert named - postgres_settings() == set()


def test_the_postgresql_programs_know_every_documented_option():
    checked = 0
    for line in shell_lines():
        words = without_runuser(line)
        if words[0] not in ("pg_basebackup", "psql"):
            continue
        if shutil.which(words[0]) is None:
            pytest.skip(f"{words[0]} is not installed")
        helptext = subprocess.run([words[0], "--help"], capture_output=True, text=True, timeout=30).stdout
        for word in words[1:]:
            if word.startswith("--"):
                assert re.search(rf"\s{re.escape(word.split('=')[0])}\b", helptext), f"{word} in {line!r}"
            elif re.fullmatch(r"-[A-Za-z]", word):
                assert re.search(rf"\s{word},", helptext), f"{word} in {line!r}"
        checked += 1
    assert checked >= 3


def flags(words: list[str]) -> list[str]:
    return [w for w in words if w.startswith("-")]


def test_the_standby_recipe_is_the_one_ci_runs():
    documented = {without_runuser(line)[0]: without_runuser(line) for line in shell_lines()
                  if without_runuser(line)[0] in ("pg_createcluster", "pg_basebackup") and "standby" in line}
    ci = {}
    for line in CI.splitlines():
        words = line.split()
        words = words[words.index("--") + 1:] if words[:1] == ["runuser"] else words
        if words and words[0] in ("pg_createcluster", "pg_basebackup"):
            ci[words[0]] = words
    assert set(documented) == set(ci) == {"pg_createcluster", "pg_basebackup"}
    for program in documented:
        assert flags(documented[program]) == flags(ci[program]), program
    assert "standby start" in CI and "pg_is_in_recovery()" in CI and "host replication all 127.0.0.1/32" in CI


def test_the_guide_is_linked_from_the_readme():
    assert "docs/deployment.md" in read("README.md")
    assert (ROOT / "tests" / "test_workers.py").exists()  # the test the guide cites


def test_every_documented_pgbouncer_setting_is_one_pgbouncer_knows():
    """Against the full sample configuration Debian's pgbouncer package installs (every parameter,
    most of them commented out)."""
    sample = Path("/etc/pgbouncer/pgbouncer.ini")
    if not sample.exists():
        pytest.skip("PgBouncer is not installed (.ci/run installs Debian's pgbouncer)")
    known = set(re.findall(r"^;?\s*([a-z_]+) =", sample.read_text(), flags=re.M))
    ini = next(block for block in blocks("ini") if "[pgbouncer]" in block)
    documented = {line.split("=")[0].strip() for line in ini.split("[pgbouncer]", 1)[1].splitlines() if "=" in line}
    assert {"pool_mode", "listen_port"} <= documented
    assert documented - known == set()
    assert re.search(r"^pool_mode = transaction$", ini, flags=re.M)
