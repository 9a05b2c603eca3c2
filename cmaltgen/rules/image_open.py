"""Which images cmaltgen will open (format by name and first bytes, size limits), and opening
them with Pillow; every refusal is a :class:`Refused` in plain words."""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)

MAX_BYTES = 100 * 1024 * 1024  # GitHub refuses files over 100 MB
MAX_PIXELS = 80_000_000  # all frames together: 80 megapixels is about 320 MB decoded
MANY_FRAMES = ("GIF", "PNG", "WEBP", "TIFF", "AVIF")  # animations and multi-page TIFF
# Image file name endings, and the format each must really be (HEIF is never published).
FORMAT_OF_SUFFIX = {
    **dict.fromkeys((".jpg", ".jpeg", ".jpe", ".jfif"), "JPEG"),
    ".png": "PNG",
    ".apng": "PNG",
    ".gif": "GIF",
    ".webp": "WEBP",
    ".tif": "TIFF",
    ".tiff": "TIFF",
    ".avif": "AVIF",
    **dict.fromkeys((".heic", ".heif", ".hif"), "HEIF"),
}
SUFFIX_OF_FORMAT = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif", "WEBP": ".webp"}
SUFFIX_OF_FORMAT.update({"TIFF": ".tif", "AVIF": ".avif", "HEIF": ".heic"})
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")
_AVIF_BRANDS = (b"avif", b"avis")

RESAVE_HINT = (
    "open it in an image editor or viewer and save or export it again as JPEG or PNG, then "
    "build again; or make the item 'visibility: assessors' to leave it out of the public site"
)


# Pillow's own plugin module for each format cmaltgen cleans. Opening with ``formats=`` makes
# Pillow import every plugin it has unless the one named is registered already (AVIF's alone
# costs tens of milliseconds), so only the plugin a file needs is imported.
_PLUGINS = {
    "JPEG": "JpegImagePlugin",
    "MPO": "MpoImagePlugin",
    "PNG": "PngImagePlugin",
    "GIF": "GifImagePlugin",
    "WEBP": "WebPImagePlugin",
    "TIFF": "TiffImagePlugin",
    "AVIF": "AvifImagePlugin",
}


def load_plugins(*formats: str) -> None:
    """Register Pillow's readers for ``formats`` before ``Image.open(..., formats=...)``."""
    import importlib

    from PIL import Image

    for fmt in formats:
        if fmt not in Image.OPEN and fmt in _PLUGINS:
            with contextlib.suppress(ImportError):  # then Pillow's own full search runs
                importlib.import_module(f"PIL.{_PLUGINS[fmt]}")


class Refused(Exception):
    """An image cmaltgen will not publish, with what to say about it."""

    def __init__(self, problem: str, hint: str = RESAVE_HINT) -> None:
        super().__init__(problem)
        self.problem, self.hint = problem, hint


def sniff(head: bytes) -> str | None:
    """The image format the first bytes of a file announce (None: not an image we know)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "WEBP"
    if head.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")):
        return "TIFF"
    if head[4:8] == b"ftyp":  # ISO media: HEIF and AVIF photos, but also MP4 and MOV video
        brands = [head[i : i + 4] for i in range(8, min(len(head), 32) - 3, 4)]
        if any(b in _AVIF_BRANDS for b in brands):
            return "AVIF"
        if any(b in _HEIF_BRANDS for b in brands):
            return "HEIF"
    return None


def first_bytes(path: Path, count: int = 32) -> bytes:
    """Up to ``count`` bytes from the start of ``path`` (none if it cannot be read)."""
    try:
        with open_file(path) as stream:
            return stream.read(count)
    except OSError:
        return b""


def open_file(path: Path) -> BinaryIO:
    """``path`` opened for reading; a pipe or device in a file's place raises, never waits."""
    from cmaltgen.read.safe_read import open_regular

    return os.fdopen(open_regular(path), "rb")


def expected_format(path: Path) -> str:
    """The format the name and the first bytes agree on, if cmaltgen can clean it."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise Refused(f"could not be read ({exc.strerror or exc})") from exc
    found = sniff(first_bytes(path))
    named = FORMAT_OF_SUFFIX.get(path.suffix.lower())
    if found == "HEIF" or (found is None and named == "HEIF"):
        raise Refused(
            "is a HEIC/HEIF photo, which most web browsers cannot show and cmaltgen cannot "
            "clean of its camera and location data",
            "export it as JPEG (on an iPhone: share it to Files, or set Settings > Camera > "
            "Formats > Most Compatible for new photos) and use the .jpg file instead",
        )
    if found is None:
        why = "the file is empty" if size == 0 else "it is not an image, or it is damaged"
        raise Refused(f"cannot be read as a {named} image ({why})")
    if named != found:
        raise Refused(
            f"is {'an' if found == 'AVIF' else 'a'} {found} image, but its name ends "
            f"'{path.suffix or '(nothing)'}'",
            f"rename the file to end '{SUFFIX_OF_FORMAT[found]}' and use the new name here, "
            "so it is published (and cleaned) as the image it is",
        )
    if size > MAX_BYTES:
        raise Refused(
            f"is {size // 2**20} MB, more than the {MAX_BYTES // 2**20} MB cmaltgen publishes",
            "make it smaller (a photo 2000 to 4000 pixels across is plenty on a web page)",
        )
    if found == "AVIF" and not can_read_avif():
        raise Refused(
            "is AVIF, which the installed Pillow cannot read",
            "export it as JPEG or PNG, or update Pillow: python -m pip install -U pillow",
        )
    return found


def can_read_avif() -> bool:
    from PIL import features

    return bool(features.check("avif"))


@contextlib.contextmanager
def open_image(path: Path, fmt: str, stream: BinaryIO | None = None) -> Iterator[Image.Image]:
    """Pillow's image of ``path``, size-checked; ``stream`` (if given) is closed with it."""
    from PIL import Image

    with contextlib.ExitStack() as close:
        with warnings.catch_warnings():
            # Pillow warns, then refuses, past its own limit; either way it is too large here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            try:
                if stream is None:
                    stream = open_file(path)
                close.enter_context(stream)
                load_plugins(fmt)
                image = Image.open(stream, formats=[fmt])  # JPEG covers MPO
                close.enter_context(contextlib.closing(image))
            except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
                raise _too_large(None) from exc
            except Exception as exc:  # Pillow raises many kinds on hostile input; all mean this
                log.debug("Pillow could not open %s", path, exc_info=True)
                raise Refused(f"cannot be read as a {fmt} image ({reason(exc)})") from exc
        frames = getattr(image, "n_frames", 1) if fmt in MANY_FRAMES else 1
        width, height = image.size
        if width * height * frames > MAX_PIXELS:
            raise _too_large((width, height, frames))
        yield image  # then closed, and the stream with it (Pillow leaves a file it was given)


def _too_large(size: tuple[int, int, int] | None) -> Refused:
    what = "is larger"
    if size is not None:
        width, height, frames = size
        what = f"is {width} × {height} pixels" + (f" × {frames} frames" if frames > 1 else "")
        what += ", larger"
    return Refused(
        f"{what} than cmaltgen will process ({MAX_PIXELS // 1_000_000} million pixels)",
        "resize it (2000 to 4000 pixels across is plenty on a web page; for an animation, "
        "fewer or smaller frames, or a video) and save it again",
    )


def reason(exc: Exception) -> str:
    """Pillow's complaint in plain words (its own text is in the debug log)."""
    if "truncated" in str(exc) or isinstance(exc, EOFError):
        return "it is cut short: the file ends before the image does"
    return "it is damaged, or not really in that format"
