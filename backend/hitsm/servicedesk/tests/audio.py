"""Real audio files for the attachment tests, made on the spot.

Debian's ffmpeg decodes AMR but cannot encode it (its build has no libopencore-amrnb encoder),
so AMR voice messages are encoded here with the reference codec libraries Debian does ship:
``libopencore-amrnb0`` (AMR-NB, what WeCom sends) and ``libvo-amrwbenc0`` (AMR-WB), through
their C interfaces. Other formats come from ffmpeg. ``ffprobe`` checks what was produced.
"""

from __future__ import annotations

import ctypes
import json
import math
import os
import shutil
import subprocess
from array import array
from pathlib import Path

import pytest


class ToolMissing(RuntimeError):
    pass


def require(what: str, found: object) -> None:
    """Skip a test when a system package is missing, but fail it under CI (.ci/run installs
    them): CI must run these tests, not skip them."""
    if found:
        return
    message = f"{what} is not installed (apt-get install {what})"
    if os.environ.get("CI"):
        pytest.fail(f"{message}: CI must run the audio tests, not skip them", pytrace=False)
    pytest.skip(message)


def tone(rate: int, seconds: float, frequency: float = 440.0) -> array[int]:
    count = int(rate * seconds)
    return array(
        "h", (int(12000 * math.sin(2 * math.pi * frequency * i / rate)) for i in range(count))
    )


def _load(soname: str) -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(soname)
    except OSError:
        return None


def amr_nb_library() -> ctypes.CDLL | None:
    return _load("libopencore-amrnb.so.0")


def amr_wb_library() -> ctypes.CDLL | None:
    return _load("libvo-amrwbenc.so.0")


def _encode(
    library: ctypes.CDLL,
    *,
    functions: tuple[str, str, str],
    magic: bytes,
    frame: int,
    mode: int,
    pcm: array[int],
) -> bytes:
    """Feed 20 ms frames to the codec's encoder interface; each call returns one frame."""
    init, encode, done = (getattr(library, name) for name in functions)
    init.restype = ctypes.c_void_p
    encode.argtypes = [
        ctypes.c_void_p,
        ctypes.c_int,
        ctypes.POINTER(ctypes.c_short),
        ctypes.c_char_p,
        ctypes.c_int,
    ]
    encode.restype = ctypes.c_int
    done.argtypes = [ctypes.c_void_p]
    state = init(0) if functions[0] == "Encoder_Interface_init" else init()  # 0: no DTX
    out = bytearray(magic)
    buffer = ctypes.create_string_buffer(128)
    for start in range(0, len(pcm) - frame + 1, frame):
        samples = (ctypes.c_short * frame)(*pcm[start : start + frame])
        written = encode(state, mode, samples, buffer, 0)
        out += buffer.raw[:written]
    done(state)
    return bytes(out)


def amr_nb(seconds: float = 2.0) -> bytes:
    """AMR-NB at 12.2 kbit/s (mode 7), 8 kHz mono, in the "#!AMR" storage format."""
    library = amr_nb_library()
    require("libopencore-amrnb0", library)
    assert library is not None
    return _encode(
        library,
        functions=("Encoder_Interface_init", "Encoder_Interface_Encode", "Encoder_Interface_exit"),
        magic=b"#!AMR\n",
        frame=160,
        mode=7,
        pcm=tone(8000, seconds),
    )


def amr_wb(seconds: float = 2.0) -> bytes:
    """AMR-WB at 23.85 kbit/s (mode 8), 16 kHz mono, in the "#!AMR-WB" storage format."""
    library = amr_wb_library()
    require("libvo-amrwbenc0", library)
    assert library is not None
    return _encode(
        library,
        functions=("E_IF_init", "E_IF_encode", "E_IF_exit"),
        magic=b"#!AMR-WB\n",
        frame=320,
        mode=8,
        pcm=tone(16000, seconds),
    )


def ffmpeg_available() -> None:
    require("ffmpeg", shutil.which("ffmpeg") and shutil.which("ffprobe"))


def ffmpeg_make(tmp_path: Path, name: str, *args: str) -> bytes:
    """Run ffmpeg with a lavfi source and return the file it wrote."""
    ffmpeg_available()
    target = tmp_path / name
    subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", *args, "-y", str(target)],
        check=True,
        timeout=60,
    )
    return target.read_bytes()


def probe(content: bytes, tmp_path: Path) -> dict[str, str]:
    """The first audio stream as ffprobe sees it (codec_name, sample_rate, duration…)."""
    ffmpeg_available()
    path = tmp_path / "probe.bin"
    path.write_bytes(content)
    result = subprocess.run(
        [
            "ffprobe",
            *("-v", "error", "-select_streams", "a:0"),
            *("-show_entries", "stream=codec_name,sample_rate,channels:format=duration"),
            *("-of", "json", str(path)),
        ],
        capture_output=True,
        check=True,
        timeout=30,
    )
    data = json.loads(result.stdout)
    stream = data["streams"][0] if data.get("streams") else {}
    return {**{k: str(v) for k, v in stream.items()}, **data.get("format", {})}
