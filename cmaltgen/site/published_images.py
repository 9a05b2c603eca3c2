"""Published images: copies holding their pixels only, made by :mod:`cmaltgen.rules.images`;
an image that cannot be cleaned is an error at the line naming it (a warning in the assessor
edition, which keeps it as it is). serve keeps the copies between builds (:data:`ImageCache`).
"""

from __future__ import annotations

from pathlib import Path

from cmaltgen.codes import Severity
from cmaltgen.diagnostics import Diagnostics
from cmaltgen.rules import images as pictures
from cmaltgen.rules import privacy
from cmaltgen.site.output import Output
from cmaltgen.site.structure import Site

# Cleaned images by source file, kept by serve while the file's state is unchanged.
ImageCache = dict[Path, tuple[tuple[int, int, int, int], pictures.Cleaned]]


def clean_images(
    site: Site,
    output: Output,
    diags: Diagnostics,
    cache: ImageCache | None,
    *,
    decode_only: bool = False,
) -> None:
    """Replace each published image by its cleaned copy (see the module docstring);
    ``decode_only`` (``check``) reports the same problems without making the copies."""
    found = [(path, src) for path, src in output.files.items() if pictures.image_format(src)]
    for path, source in found:
        cleaned = pictures.decodes(source) if decode_only else _cleaned(source, cache)
        if cleaned.data is not None:
            del output.files[path]
            output.pages[path] = cleaned.data
            continue
        if site.edition == "public":
            del output.files[path]
        _report_uncleaned(site, source, cleaned, diags)
    if cache is not None:  # forget images no longer in the portfolio
        current = {source for _, source in found}
        for gone in [p for p in cache if p not in current]:
            del cache[gone]


def _cleaned(source: Path, cache: ImageCache | None) -> pictures.Cleaned:
    """The image without its metadata, or why not.

    serve keeps the answer while the file's size, modification and change times and inode are
    unchanged, so an unchanged image is not decoded again on every save. The change time cannot
    be set back (``cp -p`` and ``touch -r`` set the modification time only).
    """
    if cache is None:
        return pictures.clean(source)
    try:
        stat = source.stat()
    except OSError:
        return pictures.clean(source)  # gone since it was found: clean() says so
    state = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
    kept = cache.get(source)
    if kept is not None and kept[0] == state:
        return kept[1]
    cleaned = pictures.clean(source)
    cache[source] = (state, cleaned)
    return cleaned


def _report_uncleaned(
    site: Site, source: Path, cleaned: pictures.Cleaned, diags: Diagnostics
) -> None:
    portfolio = site.portfolio
    uses = privacy.image_uses(portfolio.root, portfolio.docs, source)
    name, path, line, col = uses[0] if uses else (source.name, source, None, None)
    if site.edition == "public":
        outcome, severity = "; it was not published", Severity.ERROR
    else:
        outcome = "; the assessor edition includes it as it is, metadata and all"
        severity = Severity.WARNING
    diags.add(
        "image-not-cleaned",
        f"the image '{name}' {cleaned.problem}{outcome}",
        path=path,
        line=line,
        col=col,
        hint=cleaned.hint,
        severity=severity,
    )
