"""The XML of a WordPress export: read within a size cap with defusedxml, any DOCTYPE
refused, and characters XML forbids (which WordPress writes) repaired with a warning."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from cmaltgen.diagnostics import CmaltgenError, Diagnostics
from cmaltgen.importers.source import megabytes, read_capped, source_error
from cmaltgen.wording import plural

_AGAIN = "export again from WordPress (Tools > Export > All content) and import that file"

# A WordPress export is text (its images stay on the blog), but years of posts, comments and
# attachment entries add up; the XML is parsed in linear time, pages one by one.
MAX_EXPORT = 100 * 1024 * 1024


def capped(path: Path) -> bytes:
    try:
        size = path.stat().st_size
    except OSError:
        size = 0  # read_capped says what is wrong
    if size > MAX_EXPORT:
        raise source_error(
            path,
            f"this WordPress export is {megabytes(size)} MB, more than the "
            f"{MAX_EXPORT // (1024 * 1024)} MB of text cmaltgen imports",
            "export only your portfolio's pages or posts (Tools > Export lets you choose a "
            "category or dates) and import that file",
        )
    return read_capped(path)


def channels(path: Path, found: Diagnostics) -> list[Element]:
    """The export's channel; for a .zip (WordPress.com's Export gives one, with the export
    split into several .xml files when large), the channel of each .xml in it."""
    if path.suffix.lower() != ".zip":
        return [read_channel(path, capped(path), found)]
    return [read_channel(path, data, found) for data in _unzipped(path)]


def _unzipped(path: Path) -> list[bytes]:
    """The .xml files in a .zip, in name order, together at most MAX_EXPORT unpacked."""
    try:
        with zipfile.ZipFile(io.BytesIO(read_capped(path))) as archive:
            members = sorted(
                (i for i in archive.infolist() if _export_name(i.filename)),
                key=lambda i: i.filename,
            )
            if not members:
                raise source_error(
                    path,
                    "this .zip file holds no WordPress export (.xml file)",
                    "import the .xml file that WordPress's Export gives (WordPress.com gives a "
                    ".zip holding it)",
                )
            total, out = 0, []
            for info in members:
                with archive.open(info) as handle:
                    data = handle.read(MAX_EXPORT - total + 1)
                total += len(data)
                if total > MAX_EXPORT:
                    raise source_error(
                        path,
                        f"the WordPress export in this .zip is more than the "
                        f"{MAX_EXPORT // (1024 * 1024)} MB of text cmaltgen imports",
                        "export only your portfolio's pages or posts and import that file",
                    )
                out.append(data)
            return out
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError):
        raise source_error(
            path,
            "this .zip file is damaged, protected by a password or packed in a way cmaltgen "
            "cannot unpack",
            "unzip it yourself and import the .xml file inside",
        ) from None


def _export_name(name: str) -> bool:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return name.lower().endswith((".xml", ".wxr")) and not any(
        p.startswith((".", "__MACOSX")) for p in parts
    )


def _parse(path: Path, data: bytes) -> Element:
    try:
        return SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise source_error(
            path,
            "this XML file declares a DOCTYPE or entities, which WordPress exports never "
            "contain and XML attacks use, so cmaltgen will not read it",
            _AGAIN,
        ) from None
    except SafeET.ParseError as exc:
        line, col = exc.position
        message = f"this XML file is damaged or incomplete, so it cannot be read ({exc.msg})"
        raise source_error(path, message, _AGAIN, line, col + 1) from None
    except (LookupError, ValueError):  # <?xml encoding="..."?> names no encoding expat reads
        raise source_error(
            path,
            "this XML file says it is written in a text encoding cmaltgen cannot read (its "
            "first line names the encoding)",
            f"WordPress writes UTF-8: {_AGAIN}",
            1,
            1,
        ) from None


def read_channel(path: Path, data: bytes, found: Diagnostics) -> Element:
    try:
        root = _parse(path, data)
    except CmaltgenError:
        repaired = _repaired(data)
        if repaired is None:
            raise
        data, count, line, col = repaired
        root = _parse(path, data)  # still damaged: the error names what else is wrong
        found.add(
            "import-removed",
            f"this export holds {plural(count, 'character')} that XML does not allow (control "
            "characters pasted from Word, or text that is not UTF-8), the first here: control "
            "characters were read as spaces, other text was read as the sign \ufffd",
            path=path,
            line=line,
            col=col,
            hint="search the imported portfolio for \ufffd and correct those words",
        )
    channel = root.find("channel")
    wordpress = any("wordpress.org/export" in e.tag for e in root.iter())
    if local(root.tag) != "rss" or channel is None or not wordpress:
        raise source_error(
            path,
            "this XML file is not a WordPress export (WXR): it has no WordPress items",
            f"in WordPress, {_AGAIN}",
        )
    return channel


# Characters XML 1.0 forbids (C0 controls but tab and line ends), raw or as references;
# WordPress writes them as they were pasted, and its own importer then fails too.
_NOT_XML = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\udc80-\udcff]|&#(?:x0*[0-8bcefBCEF]|x0*1[0-9a-fA-F]"
    r"|0*(?:[0-8]|1[124-9]|2[0-9]|3[01]));"
)


def _repaired(data: bytes) -> tuple[bytes, int, int, int] | None:
    """A UTF-8 export with bytes that are not UTF-8 or characters XML forbids, made readable:
    (the bytes, how many were changed, line and column of the first), or None."""
    declared = re.match(rb"\s*<\?xml[^>]*encoding=[\"']([\w.-]+)", data)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        return None
    text = data.decode("utf-8", errors="surrogateescape")  # a byte that is not UTF-8: \udcXX
    places = [m.start() for m in _NOT_XML.finditer(text)]
    if not places:
        return None
    first = places[0]
    line = text.count("\n", 0, first) + 1
    col = first - text.rfind("\n", 0, first)
    fixed = _NOT_XML.sub(lambda m: "\ufffd" if "\udc80" <= m.group() <= "\udcff" else " ", text)
    return fixed.encode("utf-8"), len(places), line, col


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
