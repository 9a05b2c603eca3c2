"""Images: published copies carry pixels only, never camera, location or other metadata.

Each image is decoded with Pillow and saved again from its pixels in the same format, turned
as the camera recorded and with its colour profile kept. It fails closed: an image that cannot
be cleaned yields a :class:`Cleaned` with a problem and no data, never the original bytes.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cmaltgen.rules.image_open import (
    FORMAT_OF_SUFFIX,
    MANY_FRAMES,
    Refused,
    can_read_avif,
    expected_format,
    first_bytes,
    load_plugins,
    open_file,
    open_image,
    reason,
    sniff,
)

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)

# Image.info keys that only describe how to show the pixels; everything else is dropped.
_KEPT_INFO = ("icc_profile", "transparency", "dpi", "background", "loop", "duration")

# The names the privacy lint reports, in the order it reports them.
CAMERA_MAKE, CAMERA_MODEL, SERIAL = "camera make", "camera model", "camera serial number"
GPS, UNREADABLE = "GPS location", "unreadable EXIF data"
_IFD0_TAGS = {0x010F: CAMERA_MAKE, 0x0110: CAMERA_MODEL, 0xC62F: SERIAL, 0x8825: GPS}
_EXIF_IFD, _EXIF_SERIALS = 0x8769, (0xA431, 0xA435)  # body and lens serial numbers
_XMP_SIGNS = {
    b"GPSLatitude": GPS,
    b"GPSLongitude": GPS,
    b"tiff:Make": CAMERA_MAKE,
    b"tiff:Model": CAMERA_MODEL,
    b"SerialNumber": SERIAL,
}
_XMP_KEYS = ("xmp", "XML:com.adobe.xmp")
_HIDDEN_INFO = ("exif", "comment", "photoshop", "Raw profile type exif", "Raw profile type APP1")


@dataclass(frozen=True)
class Cleaned:
    """An image without its metadata, or why it could not be cleaned (never both)."""

    data: bytes | None = None
    problem: str = ""  # completes "the image 'name' ...", in plain words
    hint: str = ""


def image_format(path: Path) -> str | None:
    """The image format of ``path`` by its name, else by its first bytes (which catches a photo
    renamed ``.txt`` or ``.pdf``); None otherwise."""
    return FORMAT_OF_SUFFIX.get(path.suffix.lower()) or sniff(first_bytes(path))


# ----------------------------------------------------------------------------- cleaning


def clean(path: Path) -> Cleaned:
    """A copy of the image at ``path`` with its pixels only, or the problem that prevents it."""
    try:
        fmt = expected_format(path)
        with open_image(path, fmt) as image:
            data = _save(image, _frames(image), fmt, path)
        left = _left_in(data, fmt)
    except Refused as refused:
        return Cleaned(problem=refused.problem, hint=refused.hint)
    if left:  # not seen with any Pillow tested; if a future one did this, publish nothing
        return Cleaned(problem=f"still carried {', '.join(left)} after cleaning")
    return Cleaned(data)


def decodes(path: Path) -> Cleaned:
    """What :func:`clean` would say, without saving the copy (``check``): the data is empty
    when the image decodes, else the problem is given."""
    try:
        with open_image(path, expected_format(path)) as image:
            _frames(image)
    except Refused as refused:
        return Cleaned(problem=refused.problem, hint=refused.hint)
    return Cleaned(b"")


def _frames(image: Image.Image) -> list[Image.Image]:
    """Every frame as a new image holding pixels only, turned the way the camera was held
    (JPEG keeps its first picture only: the others in a multi-picture file are previews)."""
    from PIL import ImageSequence

    frames: list[Image.Image] = []
    turn = None
    try:
        for frame in ImageSequence.Iterator(image):
            frame.load()
            if not frames:  # after loading: Pillow turns TIFF pixels itself as it loads them
                turn = _turn(image)
            copy = frame.transpose(turn) if turn is not None else frame.copy()
            copy.info = {k: frame.info[k] for k in _KEPT_INFO if k in frame.info}
            frames.append(copy)
            if image.format not in MANY_FRAMES:
                break
    except Exception as exc:  # a damaged file is usually found here, while decoding
        log.debug("Pillow could not decode a %s image", image.format, exc_info=True)
        raise Refused(f"cannot be read as a {image.format} image ({reason(exc)})") from exc
    return frames


def _turn(image: Image.Image) -> Image.Transpose | None:
    """How to turn the pixels so they show as the orientation tag says (as exif_transpose)."""
    from PIL import ExifTags, Image

    try:
        orientation = int(image.getexif().get(ExifTags.Base.Orientation, 1))
    except Exception:  # unreadable EXIF: it is dropped anyway; show the pixels as stored
        return None
    turns = {
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_270,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_90,
    }
    return turns.get(orientation)


def _save(source: Image.Image, frames: list[Image.Image], fmt: str, path: Path) -> bytes:
    """The frames in ``fmt``, with only the options that keep them looking the same."""
    first = frames[0]
    options: dict[str, Any] = {k: first.info[k] for k in ("icc_profile", "dpi") if k in first.info}
    options.update(_format_options(source, fmt, path))
    if len(frames) > 1:
        options.update(save_all=True, append_images=frames[1:])
        if fmt != "TIFF":
            options["duration"] = [f.info.get("duration", 100) for f in frames]
            if "loop" in source.info:
                options["loop"] = source.info["loop"]
    out = io.BytesIO()
    try:
        first.save(out, format=fmt, **options)
    except Exception as exc:
        log.debug("Pillow could not save %s as %s", path, fmt, exc_info=True)
        raise Refused(f"could not be saved again as {fmt} ({exc})") from exc
    return out.getvalue()


def _format_options(source: Image.Image, fmt: str, path: Path) -> dict[str, Any]:
    if fmt == "JPEG":
        from PIL import JpegImagePlugin

        # The original's quantisation tables and chroma subsampling: the copy looks the same
        # and is about the same size.
        options: dict[str, Any] = {"optimize": False}
        if getattr(source, "quantization", None):
            options["qtables"] = source.quantization  # type: ignore[attr-defined]
        sampling = JpegImagePlugin.get_sampling(source)
        if sampling >= 0:
            options["subsampling"] = sampling
        if source.info.get("progressive"):
            options["progressive"] = True
        return options
    if fmt == "WEBP":
        lossless = _webp_lossless(path)
        return {"lossless": True} if lossless else {"quality": 90}
    if fmt == "TIFF":
        return {"compression": "tiff_lzw"}  # lossless, and read by everything that reads TIFF
    if fmt == "AVIF":
        return {"quality": 90}
    return {}


def _webp_lossless(path: Path) -> bool:
    """Whether a WebP file's first image is lossless (a ``VP8L`` chunk), so it stays so."""
    data = first_bytes(path, 4096)
    pos = 12
    while pos + 8 <= len(data):
        kind, size = data[pos : pos + 4], int.from_bytes(data[pos + 4 : pos + 8], "little")
        if kind in (b"VP8L", b"VP8 "):
            return kind == b"VP8L"
        if kind == b"ANMF":  # an animation frame: its image chunk follows a 16-byte header
            pos += 8 + 16
            continue
        pos += 8 + size + (size & 1)
    return False


# ----------------------------------------------------------------------------- metadata


def metadata_in(path: Path) -> list[str]:
    """The identifying metadata an image file carries for the privacy lint ([] if none, or if
    it is not an image or cannot be read: publishing reports those)."""
    try:
        stream = open_file(path)  # opened once: its first bytes, then Pillow reads it
    except OSError:
        return []
    with stream:
        try:
            fmt = sniff(stream.read(32)) or FORMAT_OF_SUFFIX.get(path.suffix.lower())
            stream.seek(0)
        except OSError:
            return []
        if fmt is None or fmt == "HEIF" or (fmt == "AVIF" and not can_read_avif()):
            return []
        try:
            with open_image(path, fmt, stream) as image:
                found = _identifying(image)
        except Refused:
            return []
    order = (CAMERA_MAKE, CAMERA_MODEL, SERIAL, GPS, UNREADABLE)
    return [name for name in order if name in found]


def _identifying(image: Image.Image) -> set[str]:
    """Camera make, model and serial number and GPS position, from EXIF or XMP."""
    found: set[str] = set()
    try:
        exif = _exif(image)
        found.update(name for tag, name in _IFD0_TAGS.items() if exif.get(tag))
        found.update(SERIAL for tag in _EXIF_SERIALS if exif.get_ifd(_EXIF_IFD).get(tag))
    except Exception:  # EXIF too damaged to read: say so rather than nothing
        log.debug("unreadable EXIF in a %s image", image.format, exc_info=True)
        found.add(UNREADABLE)
    for key in _XMP_KEYS:
        xmp = image.info.get(key)
        if isinstance(xmp, str):
            xmp = xmp.encode("utf-8", "replace")
        if isinstance(xmp, bytes):
            found.update(name for sign, name in _XMP_SIGNS.items() if sign in xmp)
    return found


def _exif(image: Image.Image) -> Image.Exif:
    """The image's EXIF; a PNG's from its header only (Pillow would decode the whole image to
    look after the pixels, and what comes after them is removed by cleaning all the same)."""
    from PIL import Image

    raw = image.info.get("exif")
    if image.format == "PNG" and "Raw profile type exif" not in image.info:
        exif = Image.Exif()
        if isinstance(raw, bytes):
            exif.load(raw)
        return exif
    return image.getexif()


def _left_in(data: bytes, fmt: str) -> list[str]:
    """What a cleaned copy still carries that it must not (it should be nothing)."""
    from PIL import Image

    try:
        load_plugins(fmt)
        reopened = Image.open(io.BytesIO(data), formats=[fmt])
    except Exception as exc:
        raise Refused(f"could not be saved again as {fmt} ({exc})") from exc
    with reopened as image:
        left = sorted(_identifying(image))
        left += [k for k in (*_XMP_KEYS, *_HIDDEN_INFO) if image.info.get(k)]
        exif = _exif(image)
        # A TIFF's own layout is stored as tags too; only identifying ones count there.
        tags = _TIFF_PERSONAL.intersection(exif) if fmt == "TIFF" else set(exif)
        if tags:
            left.append("EXIF tags " + ", ".join(f"0x{t:04X}" for t in sorted(tags)))
    return left


# Tags that describe a TIFF's author, device, software, date or place rather than its pixels.
_TIFF_PERSONAL = {0x010E, 0x010F, 0x0110, 0x0131, 0x0132, 0x013B, 0x013C, 0x8298, 0x8769}
_TIFF_PERSONAL |= {0x8825, 0xC62F, 700, 33723, 34377}
