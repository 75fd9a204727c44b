"""Reading what screenshots and video frames show, for the artifact scan: frames by ffmpeg, text by
Tesseract OCR (Debian's ``tesseract-ocr``, which ``./run tests`` installs).

Masking happens at capture (a stylesheet renders card and password fields as dots), so
the only way to check a picture is to read it as a person would.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

#: A frame wherever any part of the picture changed (each typed character, each page), not
#: every frame, enlarged: Playwright's video is the page at 800 px wide, where OCR cannot
#: tell a typed digit from a letter; at 2400 px it reads a card number and expiry the
#: control test types (1600 and 2000 px miss the expiry in a screenshot).
_CHANGED_AND_ENLARGED = "mpdecimate=frac=0,scale=2400:-2:flags=lanczos"


def tesseract() -> str:
    """The OCR program, or an assertion naming what to install."""
    found = shutil.which("tesseract")
    assert found, "no tesseract: install Debian's tesseract-ocr (./run tests does)"
    return found


def frames(picture: Path, into: Path) -> list[Path]:
    """A screenshot, or every frame of a video where the picture changed, enlarged for OCR,
    as PNG files in ``into``."""
    into.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-i", str(picture), "-vf", _CHANGED_AND_ENLARGED,
         "-vsync", "vfr", str(into / "frame%04d.png")],
        check=True, timeout=120,
    )  # fmt: skip
    return sorted(into.glob("frame*.png"))


def read_texts(images: list[Path]) -> list[str]:
    """What OCR reads in each of ``images``: one Tesseract run for all (start-up is most of
    its cost); its text output separates the images with form feeds (Tesseract 5: between
    them; 4: after each)."""
    if not images:
        return []
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("".join(f"{image}\n" for image in images))
    try:
        # One thread per run, runs side by side: OpenMP threads cost more than they give.
        result = subprocess.run(
            [tesseract(), listing.name, "-"], capture_output=True, text=True, timeout=600,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"}, check=True,
        )  # fmt: skip
    finally:
        os.unlink(listing.name)
    texts = result.stdout.split("\f")
    if len(texts) == len(images) + 1 and not texts[-1].strip():
        texts.pop()
    assert len(texts) == len(images), f"tesseract gave {len(texts)} texts for {len(images)}"
    return texts


def squeezed(text: str) -> str:
    """``text`` without spaces: OCR splits digit groups where it likes."""
    return re.sub(r"\s+", "", text)


@dataclass(frozen=True)
class PictureScan:
    """What OCR read in one screenshot or one video."""

    artifact: str
    frames: int
    text: str

    def hits(self, needles: list[str]) -> list[str]:
        """The needles (compared without spaces) this picture shows."""
        seen = squeezed(self.text)
        return [n for n in needles if squeezed(n) in seen]


def scan_pictures(pictures: list[Path], workdir: Path, workers: int = 2) -> list[PictureScan]:
    """OCR of screenshots and of every changed frame of videos, each distinct picture read
    once: checkouts pass the same pages, and a frame equal to one already read (the same
    PNG bytes) says the same. ``workers`` Tesseract runs side by side (one per core)."""

    def own_folder(picture: Path) -> Path:
        return workdir / hashlib.sha256(str(picture).encode()).hexdigest()[:16]

    with ThreadPoolExecutor(max_workers=workers) as pool:
        extracted = list(pool.map(lambda p: frames(p, own_folder(p)), pictures))
    digest = {f: hashlib.sha256(f.read_bytes()).hexdigest() for fs in extracted for f in fs}
    distinct = list({digest[f]: f for fs in extracted for f in fs}.values())
    chunks = [distinct[i::workers] for i in range(workers)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        read = {
            digest[f]: text
            for chunk, texts in zip(chunks, pool.map(read_texts, chunks), strict=True)
            for f, text in zip(chunk, texts, strict=True)
        }
    return [
        PictureScan(str(p), len(fs), "\n".join(read[digest[f]] for f in fs))
        for p, fs in zip(pictures, extracted, strict=True)
    ]


def scan_picture(path: Path, workdir: Path) -> PictureScan:
    """OCR of a screenshot, or of every changed frame of a video."""
    return scan_pictures([path], workdir, workers=1)[0]
