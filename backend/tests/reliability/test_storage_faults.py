"""Scenario 5: the attachment store (local disk under HITSM_DATA_DIR/media) runs full, then
turns read-only. The store is a real 1 MiB tmpfs mounted over the media directory: writes fail
with the kernel's own ENOSPC and EROFS (no storage wrapper, no mocks)."""

from __future__ import annotations

import io
import os
import random
import subprocess
from pathlib import Path

import httpx
import pytest
from PIL import Image

from tests.reliability.harness import Stack, query, running

SIZE_KB = 1024


def noisy_jpeg(side: int, seed: int) -> bytes:
    """A photo that does not compress much (a ward's whiteboard, say): ~side² / 2 bytes."""
    rnd = random.Random(seed)
    image = Image.new("RGB", (side, side))
    image.putdata(
        [(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)) for _ in range(side * side)]
    )
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True, timeout=30)


@pytest.fixture
def small_disk(tmp_path: Path):
    media = tmp_path / "data" / "media"
    media.mkdir(parents=True)
    try:
        mount("-t", "tmpfs", "-o", f"size={SIZE_KB}k,mode=0755", "tmpfs", str(media))
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {exc}")
    yield media
    subprocess.run(["umount", "-l", str(media)], check=False, timeout=30)


def test_a_full_or_read_only_store_answers_507_or_503_and_leaves_no_row_without_its_file(
    database, redis, small_disk, tmp_path
):
    """Pass: with the media file system full, a ticket with a photo answers 507 storage_full;
    read-only, 503 storage_unavailable; both with a Chinese message, no ticket and no attachment
    row written; every attachment row in the database points at a complete file on disk; once
    the store is writable again uploads succeed."""
    stack = Stack(database, redis.url, tmp_path)
    with running(stack):
        tokens = stack.seed("people")["tokens"]
        stack.web()
        client = httpx.Client(
            base_url=stack.base_url,
            timeout=30,
            headers={"Authorization": f"Token {tokens['nurse_li']}"},
        )

        def upload(n: int, side: int = 160) -> httpx.Response:
            files = {"files": (f"病房{n}.jpg", noisy_jpeg(side, n), "image/jpeg")}
            return client.post("/api/v1/tickets/", data={"title": f"监护仪报警 #{n}"}, files=files)

        answers = [upload(n) for n in range(3)]
        assert [r.status_code for r in answers] == [201] * 3, [r.text for r in answers]
        # fill the disk but for a few KB: the next photo cannot fit
        filler = small_disk / "filler.bin"
        with filler.open("wb", buffering=0) as out:
            try:
                while True:
                    out.write(b"\0" * 4096)
            except OSError:
                pass
        os.truncate(filler, filler.stat().st_size - 16 * 1024)
        full = upload(10, side=300)
        tickets_before_ro = _count(database, "servicedesk_ticket")

        filler.unlink()
        mount("-o", "remount,ro", str(small_disk))
        read_only = upload(11)
        mount("-o", "remount,rw", str(small_disk))
        again = upload(12)

        rows = query(database, "SELECT file, size, thumbnail FROM servicedesk_attachment")
        missing = [
            (name, size)
            for name, size, _ in rows
            if not (small_disk / name).is_file() or (small_disk / name).stat().st_size != size
        ]
        thumbs = [t for _, _, t in rows if t and not (small_disk / t).is_file()]
        tickets = _count(database, "servicedesk_ticket")

    assert full.status_code == 507, full.text
    assert full.json()["error"]["code"] == "storage_full"
    assert "存储空间已满" in full.json()["error"]["message"]
    assert read_only.status_code == 503, read_only.text
    assert read_only.json()["error"]["code"] == "storage_unavailable"
    assert again.status_code == 201, again.text
    assert tickets_before_ro == 3 and tickets == 4, "a refused upload left a ticket behind"
    assert len(rows) == 4 and not missing and not thumbs, (missing, thumbs)
    print(
        f"\nscenario 5: full disk → {full.status_code} {full.json()['error']['code']}, "
        f"read-only → {read_only.status_code} {read_only.json()['error']['code']}, "
        f"{len(rows)} attachment rows all with their files, writable again → 201"
    )


def _count(url: str, table: str) -> int:
    return int(query(url, f"SELECT count(*) FROM {table}")[0][0])  # noqa: S608
