"""The README's test command does not disturb a demo running from the same checkout (issue 11, item 6)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_test_script_installs_into_its_own_environment_not_the_demos():
    script = (ROOT / "scripts" / "test").read_text()
    readme = (ROOT / "README.md").read_text()
    demo_env = re.search(r"python3 -m venv (\S+) && \1/bin/pip install \. && \1/bin/lindung demo", readme).group(1)
    assert demo_env == ".venv"
    assert 'VENV=${LINDUNG_TEST_VENV:-.venv-test}' in script
    commands = [line for line in script.splitlines() if not line.lstrip().startswith("#")]
    installs = [line for line in commands if "pip install" in line]
    assert installs and all('"$VENV/bin/python" -m pip install' in line for line in installs)
    assert not any(re.search(r"(^|[\s\"'])\.venv/", line) for line in commands), "the demo's .venv is not touched"
    assert "./scripts/test" in (ROOT / ".ci" / "run").read_text()
    assert ".venv-test/" in (ROOT / ".gitignore").read_text().splitlines()
