"""Pictures in a .docx: saved as files named by their real format, and what went wrong.

A picture that cannot be read (missing from the file, damaged, or linked to a file outside
it) gets a ``MISSING_IMAGE`` address, and one in a format web browsers do not show (a Windows
metafile: EMF, WMF; TIFF) is kept under its own extension; ``docx_places`` reports each.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from cmaltgen.importers.evidence import Asset

MISSING_IMAGE = "cmaltgen-missing-image:"
_LINKED = re.compile(r"external image:? '([^'\n]*)'")  # in mammoth's message: the file named
_EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/bmp": ".bmp",
    "image/tiff": ".tif",
    "image/svg+xml": ".svg",
    "image/webp": ".webp",
    "image/x-emf": ".emf",
    "image/emf": ".emf",
    "image/x-wmf": ".wmf",
    "image/wmf": ".wmf",
}
# Formats browsers do not show, as the report names them.
UNSHOWN = {".emf": "EMF format (a Windows metafile)", ".wmf": "WMF format (a Windows metafile)",
           ".tif": "TIFF format", ".bin": "a format cmaltgen does not recognise"}  # fmt: skip


@dataclass
class Pictures:
    assets: dict[str, Asset] = field(default_factory=dict)  # address -> the saved file
    missing: dict[str, str] = field(default_factory=dict)  # address -> why it is not there
    unshown: dict[str, str] = field(default_factory=dict)  # address -> its format's name

    def clear(self) -> None:
        self.assets.clear()
        self.missing.clear()
        self.unshown.clear()


def saver(pictures: Pictures) -> Any:
    """mammoth's image converter: each picture saved to ``pictures``, its address returned."""

    def save(image: Any) -> dict[str, str]:
        try:
            with image.open() as handle:
                data = handle.read()
        except KeyError:
            return _missing(pictures, "this Word file does not hold the picture itself")
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):
            return _missing(pictures, "the picture is damaged in this Word file")
        except ValueError as error:  # mammoth's own error for a picture outside the file
            linked = _LINKED.search(str(error))
            return _missing(
                pictures,
                "it is linked to "
                + (f"the file {file_path(linked.group(1))[:200]}, " if linked else "a file ")
                + "outside the Word document (Insert > Pictures with 'Link to File'), which "
                "cmaltgen does not open",
            )
        number = len(pictures.assets) + 1
        src = f"cmaltgen-image:{number}"
        suffix = _EXTENSIONS.get(str(image.content_type)) or sniffed(data)
        alt = " ".join(str(image.alt_text or "").split())
        pictures.assets[src] = Asset(f"image-{number}{suffix}", data, alt)
        if suffix in UNSHOWN:
            pictures.unshown[src] = UNSHOWN[suffix]
        return {"src": src}

    return save


def sniffed(data: bytes) -> str:
    """A picture's extension from its first bytes, when its content type says nothing."""
    head = data[:64]
    signatures = (
        (b"\x89PNG", ".png"), (b"\xff\xd8\xff", ".jpg"), (b"GIF8", ".gif"), (b"BM", ".bmp"),
        (b"II*\x00", ".tif"), (b"MM\x00*", ".tif"), (b"\xd7\xcd\xc6\x9a", ".wmf"),
        (b"\x01\x00\x09\x00", ".wmf"), (b"\x02\x00\x09\x00", ".wmf"),
    )  # fmt: skip
    for signature, suffix in signatures:
        if head.startswith(signature):
            return suffix
    if head.startswith(b"\x01\x00\x00\x00") and head[40:44] == b" EMF":
        return ".emf"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return ".webp"
    if b"<svg" in data[:2048] and data.lstrip()[:1] == b"<":
        return ".svg"
    return ".bin"


def _missing(pictures: Pictures, why: str) -> dict[str, str]:
    src = f"{MISSING_IMAGE}{len(pictures.missing) + 1}"
    pictures.missing[src] = why
    return {"src": src}


def file_path(address: str) -> str:
    """A file link's path as its author knows it: C:/Users/sam/report.pdf, Evidence/a.pdf."""
    if address.lower().startswith("file:"):
        address = re.sub(r"^file:/*", "", address, flags=re.I)
        address = address if re.match(r"[A-Za-z]:", address) else "/" + address
    return unquote(address)
