"""Real image files for tests, made with Pillow, carrying the metadata a phone camera writes."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import ExifTags, Image, ImageOps, PngImagePlugin

MAKE, MODEL, SERIAL = "Zqcamera Inc", "Zqphone 15", "ZQSERIAL-0042"
GPS_LATITUDE = ((51.0, 1.0), (30.0, 1.0), (2631.0, 100.0))  # somewhere in London
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-'
    b'rdf-syntax-ns#"><rdf:Description xmlns:tiff="http://ns.adobe.com/tiff/1.0/" '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/" tiff:Make="Zqcamera Inc" '
    b'exif:GPSLatitude="51,30.4385N"/></rdf:RDF></x:xmpmeta>'
)
# What must not survive in any published copy, as bytes anywhere in the file.
TELLTALES = (MAKE.encode(), MODEL.encode(), SERIAL.encode(), b"Zqcomment", b"GPSLatitude")


def camera_exif(*, make: bool = True, gps: bool = True, orientation: int = 1) -> Image.Exif:
    """EXIF as a phone writes it: make, model, serial numbers, GPS position, orientation."""
    exif = Image.Exif()
    if make:
        exif[ExifTags.Base.Make] = MAKE
        exif[ExifTags.Base.Model] = MODEL
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.BodySerialNumber] = SERIAL
    if gps:
        where = exif.get_ifd(ExifTags.IFD.GPSInfo)
        where[ExifTags.GPS.GPSLatitudeRef] = "N"
        where[ExifTags.GPS.GPSLatitude] = tuple(a / b for a, b in GPS_LATITUDE)
    if orientation != 1:
        exif[ExifTags.Base.Orientation] = orientation
    return exif


def picture(size: tuple[int, int] = (64, 48), mode: str = "RGB") -> Image.Image:
    """Four flat quadrants of different colours, so a turn or a flip shows in the pixels."""
    width, height = size
    image = Image.new("RGB", size, (220, 40, 40))
    image.paste((40, 160, 60), (width // 2, 0, width, height // 2))
    image.paste((40, 60, 200), (0, height // 2, width // 2, height))
    image.paste((240, 220, 60), (width // 2, height // 2, width, height))
    return image.convert(mode)


def image_file(
    fmt: str,
    *,
    exif: Image.Exif | None = None,
    comment: bytes = b"Zqcomment from the camera",
    xmp: bytes = XMP,
    image: Image.Image | None = None,
    **options: object,
) -> bytes:
    """``image`` (default: :func:`picture`) saved as ``fmt`` with ``exif``, XMP and a comment
    wherever the format can hold them."""
    image = image if image is not None else picture(mode="P" if fmt == "GIF" else "RGB")
    # As bytes: Pillow skips an Exif object whose only content is the GPS directory.
    exif_bytes = (exif if exif is not None else camera_exif()).tobytes()
    if fmt == "JPEG":
        options.update(exif=exif_bytes, comment=comment, xmp=xmp, quality=95)
    elif fmt == "PNG":
        text = PngImagePlugin.PngInfo()
        text.add_text("Comment", comment.decode())
        if xmp:
            text.add_itxt("XML:com.adobe.xmp", xmp.decode())
        options.update(exif=exif_bytes, pnginfo=text)
    elif fmt in ("WEBP", "AVIF"):
        options.update(exif=exif_bytes, xmp=xmp)
    elif fmt == "TIFF":
        options.update(exif=exif_bytes)
    elif fmt == "GIF":
        options.update(comment=comment)
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def shown(data: bytes) -> Image.Image:
    """The picture as a viewer shows it: decoded, turned as its EXIF says, in RGB."""
    with Image.open(io.BytesIO(data)) as image:
        return ImageOps.exif_transpose(image).convert("RGB")


def difference(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference per channel, 0-255: near 0 means the same picture."""
    assert a.size == b.size, (a.size, b.size)
    pairs = zip(a.convert("RGB").tobytes(), b.convert("RGB").tobytes(), strict=True)
    return sum(abs(x - y) for x, y in pairs) / (a.size[0] * a.size[1] * 3)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` × ``height`` pixels in a few bytes: a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )
