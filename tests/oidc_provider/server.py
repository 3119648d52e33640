"""Starts the test provider: a fresh RSA signing key and SQLite file in a temporary folder,
its tables migrated, then Django's server on a free loopback port, in a subprocess."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = "tests.oidc_provider.settings"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def signing_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


class Provider:
    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.issuer = f"{self.url}/o"
        self.process: subprocess.Popen | None = None
        (folder / "signing-key.pem").write_text(signing_key())
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "PYTHONPATH": str(ROOT),
            "PROVIDER_DIR": str(folder),
            "PROVIDER_ISSUER": self.issuer,
        }

    def _run(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=self.env, check=True, capture_output=True
        )

    def start(self) -> Provider:
        self._run("-m", "django", "migrate", "--no-input")
        self.log = (self.folder / "server.log").open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "django",
                "runserver",
                f"127.0.0.1:{self.port}",
                "--noreload",
                "--skip-checks",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the provider stopped: {self.logged()}")
            try:
                requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=1)
                return self
            except requests.ConnectionError:
                time.sleep(0.2)
        raise RuntimeError(f"the provider did not answer: {self.logged()}")

    def logged(self) -> str:
        return (self.folder / "server.log").read_text()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.log.close()

    def seed(self, *, users=(), clients=()) -> None:
        """People (their groups set to exactly those given) and clients, as seed.py takes."""
        document = {"users": list(users), "clients": list(clients)}
        self._run("-m", "tests.oidc_provider.seed", json.dumps(document))
