"""`make run`: certificates and emails link to the address the site is served on.

The recipe runs for real with a stand-in for the virtualenv's Python that records each command
and the SITE_URL it was given, so nothing is installed, migrated or served.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")

STAND_IN = """#!/bin/sh
echo "$* SITE_URL=$SITE_URL DEBUG=$DEBUG" >> "$(dirname "$0")/calls"
"""


def make_run(tmp_path, *args, env=None):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    python = bin_dir / "python"
    python.write_text(STAND_IN)
    python.chmod(0o755)
    stamp = tmp_path / "installed"
    stamp.touch()  # newer than pyproject.toml: nothing to install
    environment = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "DEBUG"}}
    result = subprocess.run(
        ["make", "--no-print-directory", "-s", "run", f"BIN={bin_dir}", f"STAMP={stamp}", *args],
        cwd=ROOT,
        env=environment | (env or {}),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout, (bin_dir / "calls").read_text().splitlines()


def test_the_port_given_is_the_address_certificates_print(tmp_path):
    out, calls = make_run(tmp_path, "PORT=8123")
    assert [call.split(" SITE_URL=")[0] for call in calls] == [
        "manage.py migrate --no-input --verbosity 0",
        "manage.py load_content",
        "manage.py seed_demo",
        "manage.py runserver 127.0.0.1:8123",
    ]
    assert all("SITE_URL=http://127.0.0.1:8123 DEBUG=1" in call for call in calls)
    assert "certificates and emails link to http://127.0.0.1:8123." in out


def test_a_site_url_already_set_is_kept(tmp_path):
    out, calls = make_run(tmp_path, "PORT=8123", env={"SITE_URL": "https://training.example.com"})
    assert all("SITE_URL=https://training.example.com " in call for call in calls)
    assert "link to https://training.example.com." in out
    assert "runserver 127.0.0.1:8123" in calls[-1]


def test_the_default_port(tmp_path):
    _, calls = make_run(tmp_path)
    assert "runserver 127.0.0.1:8000 SITE_URL=http://127.0.0.1:8000 " in calls[-1]
