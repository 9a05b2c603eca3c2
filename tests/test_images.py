"""Image metadata removal: real images made with Pillow, built, and the published copies reopened.

Every published image must hold its picture and nothing else; one that cannot be cleaned is a
located error and is never published (fail closed), while the last good site stays in place.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageCms, features

from cmaltgen.build import build
from cmaltgen.rules import images
from tests.conftest import (
    PORTFOLIO_YML,
    PortfolioFactory,
    evidence,
    formatted,
    reflection,
    run_build,
)
from tests.image_files import (
    TELLTALES,
    XMP,
    camera_exif,
    difference,
    image_file,
    picture,
    png_header_only,
    shown,
)

FORMATS = ["JPEG", "PNG", "WEBP", "TIFF", "GIF", "AVIF"]
SUFFIX = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "TIFF": "tif", "GIF": "gif", "AVIF": "avif"}
LOSSY = {"JPEG": 4.0, "WEBP": 4.0, "AVIF": 4.0}  # mean difference allowed per channel (0-255)


def _needs(fmt: str) -> None:
    if fmt == "AVIF" and not features.check("avif"):
        pytest.skip("this Pillow has no AVIF support")


def _evidence(name: str, item_type: str = "image") -> str:
    alt = "  alt: A whiteboard after the workshop\n" if item_type == "image" else ""
    return (
        "- id: ev-1a\n  title: The whiteboard\n"
        f"  type: {item_type}\n  date: 2025-06-01\n  file: {name}\n{alt}  shows: It\n"
        "  privacy_checked: true\n"
    )


def _photo_portfolio(tmp_portfolio: PortfolioFactory, files: dict[str, bytes]) -> Path:
    """One public image evidence item per file, all in section 1a."""
    entries = "".join(
        _evidence(name).replace("ev-1a", f"ev-1a-{n}", 1) for n, name in enumerate(files)
    )
    cites = " ".join(f"[p](evidence:ev-1a-{n})" for n in range(len(files)))
    reflection = f"---\nsection: 1a\n---\n## Description\n\nI {cites}.\n\n## Reflection\n\nI.\n"
    return tmp_portfolio(
        {
            "1a/reflection.md": reflection,
            "1a/evidence.yml": entries,
            **{f"1a/{name}": data for name, data in files.items()},
        }
    )


def _left(data: bytes) -> list[str]:
    """Everything identifying a reopened image still holds (empty when clean)."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        left = [t.decode() for t in TELLTALES if t in data]
        left += [k for k in ("exif", "xmp", "XML:com.adobe.xmp", "comment") if k in image.info]
        exif = image.getexif()
        for tag in (ExifTags.Base.Make, ExifTags.Base.Model, ExifTags.Base.GPSInfo):
            if tag in exif:
                left.append(ExifTags.TAGS[tag])
        if image.format == "PNG":
            left += list(image.text)  # type: ignore[attr-defined]
    return left


# ------------------------------------------------------------------------- clean copies


def test_every_format_is_published_without_metadata_and_looks_the_same(
    tmp_portfolio: PortfolioFactory,
) -> None:
    made = {}
    for fmt in FORMATS:
        if fmt == "AVIF" and not features.check("avif"):
            continue
        made[f"photo-{fmt.lower()}.{SUFFIX[fmt]}"] = (fmt, image_file(fmt))
    root = _photo_portfolio(tmp_portfolio, {name: data for name, (_, data) in made.items()})
    result = run_build(root)
    assert result.ok and result.written, formatted(result)
    for name, (fmt, original) in made.items():
        assert [t for t in TELLTALES if t in original], f"{name}: the test image has no metadata"
        published = (root / "_site/files/1a" / name).read_bytes()
        with Image.open(io.BytesIO(published)) as reopened:
            assert reopened.format == fmt, name
        assert _left(published) == [], name
        assert images.metadata_in(root / "_site/files/1a" / name) == [], name
        assert difference(shown(original), shown(published)) <= LOSSY.get(fmt, 0.0), name
        assert (root / "1a" / name).read_bytes() == original  # the source is never changed


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF", "AVIF"])
def test_the_privacy_lint_finds_camera_and_location_in_every_format(
    fmt: str, tmp_portfolio: PortfolioFactory
) -> None:
    _needs(fmt)
    name = f"photo.{SUFFIX[fmt]}"
    root = tmp_portfolio(
        {"1a/evidence.yml": _evidence(name).replace("  privacy_checked: true\n", "")}
    )
    (root / "1a" / name).write_bytes(image_file(fmt))
    result = run_build(root, write=False)
    shown_as_link = [d.code for d in result.diagnostics if d.code == "image-format"]
    assert shown_as_link == (["image-format"] if fmt == "TIFF" else [])  # browsers show no TIFF
    assert [f for f in formatted(result) if "image-format" not in f] == [
        f"1a/evidence.yml:5:9: warning image-metadata: the image '{name}' carries camera make, "
        "camera model, camera serial number, GPS location in its metadata\n    hint: cmaltgen "
        "removes it from the published copy (unless privacy.keep_exif is set), but your "
        "portfolio's own file still has it; once checked, add 'privacy_checked: true'"
    ]


def test_xmp_alone_is_reported_too(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    plain = Image.Exif()
    path.write_bytes(image_file("JPEG", exif=plain, xmp=XMP))
    assert images.metadata_in(path) == ["camera make", "GPS location"]
    path.write_bytes(image_file("JPEG", exif=plain, xmp=b""))
    assert images.metadata_in(path) == []


@pytest.mark.parametrize("fmt", ["JPEG", "TIFF", "WEBP", "PNG"])
@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_the_cameras_orientation_is_applied_to_the_pixels(
    fmt: str, orientation: int, tmp_path: Path
) -> None:
    """A photo taken with the phone on its side shows upright after its EXIF is gone."""
    source = tmp_path / f"photo.{SUFFIX[fmt]}"
    source.write_bytes(image_file(fmt, exif=camera_exif(orientation=orientation)))
    cleaned = images.clean(source)
    assert cleaned.data is not None, cleaned.problem
    expected = shown(source.read_bytes())
    with Image.open(io.BytesIO(cleaned.data)) as image:
        assert image.getexif().get(ExifTags.Base.Orientation, 1) == 1
        assert image.size == expected.size
    assert difference(expected, shown(cleaned.data)) <= LOSSY.get(fmt, 0.0)


def test_a_jpeg_keeps_its_quality_and_colour_profile(tmp_path: Path) -> None:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    big = picture((400, 300)).resize((400, 300), Image.Resampling.BILINEAR)
    source = tmp_path / "photo.jpg"
    source.write_bytes(image_file("JPEG", image=big, icc_profile=profile, quality=70))
    cleaned = images.clean(source)
    assert cleaned.data is not None
    with Image.open(source) as before, Image.open(io.BytesIO(cleaned.data)) as after:
        assert after.info.get("icc_profile") == profile  # colours stay as they were
        assert after.quantization == before.quantization  # type: ignore[attr-defined]
    assert len(cleaned.data) < len(source.read_bytes())  # same tables, metadata gone


def test_animations_and_pages_keep_every_frame(tmp_path: Path) -> None:
    colours = [(200, 30, 30), (30, 200, 30), (30, 30, 200)]
    frames = [Image.new("RGB", (32, 24), c) for c in colours]
    for fmt, extra in (
        ("GIF", {"duration": [100, 200, 300], "loop": 0}),
        ("PNG", {"duration": [100, 200, 300], "loop": 0}),
        ("WEBP", {"duration": [100, 200, 300], "loop": 0, "lossless": True}),
        ("TIFF", {}),
    ):
        source = tmp_path / f"moving.{SUFFIX[fmt]}"
        first = frames[0].convert("P") if fmt == "GIF" else frames[0]
        source.write_bytes(
            image_file(fmt, image=first, save_all=True, append_images=frames[1:], **extra)
        )
        cleaned = images.clean(source)
        assert cleaned.data is not None, (fmt, cleaned.problem)
        assert _left(cleaned.data) == [], fmt
        with Image.open(source) as before, Image.open(io.BytesIO(cleaned.data)) as image:
            assert getattr(image, "n_frames", 1) == 3, fmt
            for number in range(3):
                before.seek(number)
                image.seek(number)
                colour = before.convert("RGB").getpixel((5, 5))
                assert image.convert("RGB").getpixel((5, 5)) == colour, (fmt, number)
                if fmt != "TIFF":
                    assert image.info["duration"] == 100 * (number + 1), (fmt, number)


def test_a_multi_picture_jpeg_loses_its_second_picture(tmp_path: Path) -> None:
    """Phones append previews (MPO), each with its own EXIF: only the photo is kept."""
    source = tmp_path / "photo.jpg"
    out = io.BytesIO()
    main, preview = picture((64, 48)), picture((32, 24))
    exif = camera_exif().tobytes()
    main.save(out, "MPO", save_all=True, append_images=[preview], exif=exif)
    source.write_bytes(out.getvalue())
    with Image.open(source) as image:
        assert image.format == "MPO" and image.n_frames == 2  # type: ignore[attr-defined]
    cleaned = images.clean(source)
    assert cleaned.data is not None
    assert _left(cleaned.data) == [] and cleaned.data.count(b"\xff\xd8") == 1
    with Image.open(io.BytesIO(cleaned.data)) as image:
        assert image.format == "JPEG" and image.size == (64, 48)


def test_lossless_webp_stays_lossless_and_lossy_stays_lossy(tmp_path: Path) -> None:
    for lossless, chunk in ((True, b"VP8L"), (False, b"VP8 ")):
        source = tmp_path / f"chart-{lossless}.webp"
        source.write_bytes(image_file("WEBP", lossless=lossless))
        cleaned = images.clean(source)
        assert cleaned.data is not None and chunk in cleaned.data[:64]
        if lossless:
            assert difference(shown(source.read_bytes()), shown(cleaned.data)) == 0


def test_a_transparent_palette_png_stays_transparent(tmp_path: Path) -> None:
    image = Image.new("P", (8, 8), 0)
    image.putpalette([255, 255, 255, 200, 0, 0] + [0] * 762)
    image.paste(1, (0, 0, 4, 8))
    source = tmp_path / "logo.png"
    source.write_bytes(image_file("PNG", image=image, transparency=0))
    cleaned = images.clean(source)
    assert cleaned.data is not None
    with Image.open(io.BytesIO(cleaned.data)) as copy:
        rgba = copy.convert("RGBA")
        assert rgba.getpixel((6, 0))[3] == 0 and rgba.getpixel((1, 0)) == (200, 0, 0, 255)


# ------------------------------------------------------------------------- fail closed


def _truncated(fmt: str) -> bytes:
    data = image_file(fmt, image=picture((512, 384)).effect_spread(20))
    return data[: len(data) * 2 // 3]


HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64)
BAD = [
    # (name, content, the message after "the image 'name' ", words in the hint)
    ("photo.jpg", _truncated("JPEG"), "cannot be read as a JPEG image (it is cut short", "export"),
    ("chart.png", _truncated("PNG"), "cannot be read as a PNG image (it is cut short", "export"),
    ("shot.webp", _truncated("WEBP"), "cannot be read as a WEBP image (it is", "save or export"),
    ("scan.tif", _truncated("TIFF"), "cannot be read as a TIFF image (it is", "save or export"),
    ("photo.jpg", b"<html>a page</html>", "cannot be read as a JPEG image (it is not an", "export"),
    ("photo.jpg", b"", "cannot be read as a JPEG image (the file is empty)", "save or export"),
    ("photo.jpg", image_file("PNG"), "is a PNG image, but its name ends '.jpg'", "'.png'"),
    ("chart.png", image_file("JPEG"), "is a JPEG image, but its name ends '.png'", "'.jpg'"),
    ("notes.txt", image_file("JPEG"), "is a JPEG image, but its name ends '.txt'", "'.jpg'"),
    ("report.pdf", image_file("TIFF"), "is a TIFF image, but its name ends '.pdf'", "'.tif'"),
    ("IMG_0001.heic", HEIC, "is a HEIC/HEIF photo, which most web browsers", "JPEG"),
    ("IMG_0001.jpg", HEIC, "is a HEIC/HEIF photo, which most web browsers", "JPEG"),
    ("bomb.png", png_header_only(40_000, 40_000), "is larger than cmaltgen will process", "resize"),
    ("huge.png", png_header_only(9_000, 9_000), "is 9000 × 9000 pixels, larger than", "resize"),
]


@pytest.mark.parametrize(
    ("name", "content", "problem", "hint"), BAD, ids=[f"{b[0]}-{b[2][:22]}" for b in BAD]
)
def test_an_image_that_cannot_be_cleaned_is_a_located_error_and_never_published(
    name: str, content: bytes, problem: str, hint: str, tmp_portfolio: PortfolioFactory
) -> None:
    suffix = name.rsplit(".", 1)[1]
    kind = "image" if suffix in ("jpg", "png", "webp", "tif", "heic") else "document"
    good_format = {"png": "PNG", "webp": "WEBP", "tif": "TIFF"}.get(suffix, "JPEG")
    good = image_file(good_format, exif=Image.Exif(), xmp=b"", comment=b"")
    if kind == "document":
        good = b"%PDF-1.4\n" if suffix == "pdf" else b"Plain notes.\n"
    root = tmp_portfolio({"1a/evidence.yml": _evidence(name, kind), f"1a/{name}": good})
    published = root / "_site/files/1a" / name
    if suffix != "heic":  # a good build first, to prove the failed one leaves it in place
        first = run_build(root)
        assert first.written, formatted(first)
        before = published.read_bytes()
    (root / "1a" / name).write_bytes(content)
    result = run_build(root)
    lines = formatted(result)
    linked = [line for line in lines if " warning image-format: " in line]  # browsers show no TIFF
    assert len(linked) == (1 if suffix == "tif" else 0), lines
    lines = [line for line in lines if line not in linked]
    assert not result.ok and not result.written
    assert len(lines) == 1, lines
    assert lines[0].startswith(
        f"1a/evidence.yml:5:9: error image-not-cleaned: the image '{name}' {problem}"
    ), lines[0]
    assert "; it was not published\n    hint: " in lines[0], lines[0]
    assert hint in lines[0].split("hint:")[1], lines[0]
    if suffix != "heic":
        assert published.read_bytes() == before  # the last good site is intact
    site = root / "_site"
    for output in site.rglob("*") if site.exists() else []:
        if output.is_file():
            assert [t for t in TELLTALES if t in output.read_bytes()] == [], output


def test_a_broken_image_shown_in_a_reflection_points_at_the_reflection(
    tmp_portfolio: PortfolioFactory,
) -> None:
    root = tmp_portfolio(
        {
            "1b/reflection.md": "---\nsection: 1b\n---\n## Description\n\n"
            "I [r](evidence:ev-1b).\n\nThe layout:\n\n![The new layout](img/layout.png)\n\n"
            "## Reflection\n\nI.\n",
            "1b/img/layout.png": _truncated("PNG"),
        }
    )
    result = run_build(root, write=False)
    assert [line.split(" (")[0] for line in formatted(result) if " error " in line] == [
        "1b/reflection.md:10:1: error image-not-cleaned: the image 'img/layout.png' cannot be "
        "read as a PNG image"
    ]


def test_the_assessor_edition_keeps_an_image_it_cannot_clean_with_a_warning(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    bad = _truncated("JPEG")
    root = tmp_portfolio({"1a/evidence.yml": _evidence("photo.jpg"), "1a/photo.jpg": bad})
    result = run_build(root, output=tmp_path / "assessor", edition="assessor")
    assert result.ok and result.written, formatted(result)
    assert [line.split(" (")[0] for line in formatted(result)] == [
        "1a/evidence.yml:5:9: warning image-not-cleaned: the image 'photo.jpg' cannot be read "
        "as a JPEG image"
    ]
    assert "the assessor edition includes it as it is" in formatted(result)[0]
    assert (tmp_path / "assessor/files/1a/photo.jpg").read_bytes() == bad
    strict = build(root, tmp_path / "strict", strict=True, edition="assessor")
    assert not strict.ok and not strict.written


def test_keep_exif_publishes_images_untouched(tmp_portfolio: PortfolioFactory) -> None:
    original = image_file("JPEG")
    root = tmp_portfolio(
        {
            "portfolio.yml": PORTFOLIO_YML + "privacy: {keep_exif: true}\n",
            "1a/evidence.yml": _evidence("photo.jpg"),
            "1a/photo.jpg": original,
        }
    )
    result = run_build(root)
    assert result.written, formatted(result)
    assert (root / "_site/files/1a/photo.jpg").read_bytes() == original


def test_cleaning_never_needs_the_network_or_a_file_name_pillow_knows(tmp_path: Path) -> None:
    """What the format is comes from the bytes; files that are not images are left alone."""
    for name, data, expected in (
        ("notes.txt", b"Plain notes about the workshop.\n", None),
        ("video.mp4", b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2", None),
        ("scan.dng", image_file("TIFF"), "TIFF"),
        ("IMG.HEIC", b"anything", "HEIF"),
        ("photo.JPG", b"anything", "JPEG"),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        assert images.image_format(path) == expected, name


def test_an_image_web_pages_cannot_show_is_linked_and_reported(
    tmp_portfolio: PortfolioFactory,
) -> None:
    """A TIFF scan or a PDF poster, as an evidence image or ![...] in a reflection: browsers
    show a broken picture for either, so the page links to the file and the author is told."""
    body = (
        "## Description\n\nI led it [](evidence:ev-2a) [](evidence:scan) [](evidence:poster)."
        "\n\n![The survey chart](<chart scan.tif>)\n\n![The poster](poster.pdf)\n\n"
        "![The photo](photo.png)\n\n## Reflection\n\nI learned a great deal from it.\n"
    )
    items = "".join(
        f"- id: {ident}\n  title: {title}\n  type: image\n  date: 2025-06-01\n"
        f"  file: {name}\n  alt: {title} as it was.\n  shows: What I made.\n"
        for ident, title, name in (("scan", "Survey chart", "chart scan.tif"),
                                   ("poster", "Poster", "poster.pdf"))
    )  # fmt: skip
    root = tmp_portfolio(
        {
            "2a/reflection.md": reflection("2a", body=body),
            "2a/evidence.yml": evidence("2a") + items,
            "2a/chart scan.tif": image_file("TIFF"),
            "2a/poster.pdf": b"%PDF-1.4\n%%EOF\n",
            "2a/photo.png": image_file("PNG"),
        }
    )
    result = run_build(root)
    assert result.ok, formatted(result)
    warned = [
        (d.path.name if d.path else "", d.line, d.message)
        for d in result.diagnostics
        if d.code == "image-format"
    ]
    assert warned == [
        ("evidence.yml", 11, "'chart scan.tif' is a TIF file, which web pages cannot show as "
         "a picture; the page links to it instead"),
        ("evidence.yml", 18, "'poster.pdf' is a PDF file, which web pages cannot show as a "
         "picture; the page links to it instead"),
        ("reflection.md", 8, "'chart scan.tif' is a TIF file, which web pages cannot show as "
         "a picture; the page links to it instead"),
        ("reflection.md", 10, "'poster.pdf' is a PDF file, which web pages cannot show as a "
         "picture; the page links to it instead"),
    ]  # fmt: skip
    page = (root / "_site" / "2a" / "index.html").read_text(encoding="utf-8")
    images = re.findall(r'<img src="([^"]+)"', page)
    assert images == ["../files/2a/photo.png"]  # before: the TIFF and PDF, twice each
    assert '<a href="../files/2a/chart%20scan.tif">The survey chart</a>' in page
    assert '<a href="../files/2a/poster.pdf">The poster</a>' in page
    assert page.count('href="../files/2a/poster.pdf"') == 2  # and the item's own "Open" link
