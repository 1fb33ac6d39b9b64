"""Running the test command beside a running demo leaves the demo serving styled pages (issue 11, item 6).

In a copy of the checkout, the demo is installed where and how the README's first command installs it
(``.venv``, ``pip install .``: a copy of the package, not a link to the checkout) and served from its data
directory; then ``./scripts/test`` runs there as it always does — its own environment, the package
installed into it — and the demo must go on serving its stylesheet and styled pages. (The reported failure: the test command
reinstalled the package into the demo's environment, the stylesheet answered 500 until a restart.)

Both environments borrow the already installed dependencies (a ``.pth`` line pointing at this test run's
site-packages), so the test installs only Lindung itself and needs no network."""

import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def environment(path: Path) -> Path:
    """A virtual environment whose dependencies are this run's (nothing downloaded)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    site = next(path.glob("lib/python*/site-packages"))
    (site / "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return path


def demo_environment() -> dict:
    """The environment of someone who typed the README's commands: none of this test run's database or
    settings (the demo keeps its embedded database even when the suite runs on PostgreSQL)."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("LINDUNG_", "DATABASE_URL", "DJANGO_"))}


def run(*args, **kwargs):
    env = demo_environment()
    env.update(kwargs.pop("env", {}))
    return subprocess.run([str(a) for a in args], env=env, capture_output=True, text=True, timeout=600, **kwargs)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def styled(base: str) -> tuple[int, str]:
    """The login page's status and the stylesheet it links (fetched): a styled page has both."""
    status, html = fetch(f"{base}/login/")
    link = re.search(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert link, html[:300]
    css_status, css = fetch(base + link.group(1))
    assert css_status == 200 and "header.top" in css, (link.group(1), css_status)
    return status, hashlib.sha256(css.encode()).hexdigest()


def checkout_copy(target: Path) -> Path:
    """The checkout's files (tracked and new, not ignored), as a fresh clone would have them."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True,
                            check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def test_the_test_command_beside_a_running_demo_leaves_it_styled(tmp_path):
    checkout = checkout_copy(tmp_path / "lindung")
    demo_env = environment(checkout / ".venv")
    environment(checkout / ".venv-test")  # made once, as a first ./scripts/test would have
    pip = [demo_env / "bin" / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    installed = run(*pip, "--no-deps", ".", cwd=checkout)
    assert installed.returncode == 0, installed.stderr[-2000:]
    copy = next((demo_env / "lib").glob("python*/site-packages/lindung/static/lindung/lindung.css"))
    before = copy.read_bytes()
    made = run(demo_env / "bin" / "lindung", "demo", "--no-serve", "--gresik-members", "100", cwd=checkout)
    assert made.returncode == 0, made.stderr[-2000:]

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([demo_env / "bin" / "lindung", "serve", "--port", str(port)], cwd=checkout,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              env=demo_environment())
    try:
        for _ in range(300):
            try:
                if fetch(f"{base}/login/")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        status, stylesheet = styled(base)
        assert status == 200

        # the checkout moves on while the demo runs (a pull, an edit), then the README's second command
        # runs beside the demo (pytest only reports its version here)
        with open(checkout / "lindung" / "static" / "lindung" / "lindung.css", "a", encoding="utf-8") as css:
            css.write("\n/* changed in the checkout after the demo started */\n")
        tested = run(checkout / "scripts" / "test", "--version", cwd=checkout, env={"PYTHON": sys.executable})
        assert tested.returncode == 0, tested.stdout[-1000:] + tested.stderr[-2000:]
        assert "pytest" in tested.stdout + tested.stderr

        assert server.poll() is None, "the demo stopped"
        assert styled(base) == (200, stylesheet), "the demo no longer serves its stylesheet"
        assert copy.read_bytes() == before, "the demo's installed package was changed"
        assert fetch(f"{base}/static/lindung/lindung.js")[0] == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
