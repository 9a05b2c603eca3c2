"""Evidence rules: items, their files and urls, and the citations of them."""

from __future__ import annotations

import os
from pathlib import Path

from cmaltgen.diagnostics import Diagnostic, Diagnostics, display_path, suggestion
from cmaltgen.read.documents import EvidenceEntry, Reflection
from cmaltgen.read.markdown_scan import Reference, refused_links, shows_as_image
from cmaltgen.read.portfolio import Fallout, Portfolio, Specs
from cmaltgen.read.safe_read import describe
from cmaltgen.read.schema import url_hint, url_message
from cmaltgen.read.sources import real_path, resolve_local
from cmaltgen.rules import files, privacy
from cmaltgen.wording import article

HEIF = frozenset({".heic", ".heif", ".hif"})


def check_evidence_ids(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    seen: dict[str, EvidenceEntry] = {}
    for _, entry in portfolio.evidence():
        first = seen.setdefault(entry.item.id, entry)
        if first is not entry:
            diags.add(
                "duplicate-evidence-id",
                f"the evidence id '{entry.item.id}' is already used at "
                f"{display_path(first.path, portfolio.root)}:{first.line}",
                **entry.where("id"),
                hint="give each item its own id; citations use it to find the item",
            )


def check_evidence_items(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    present = portfolio.section_ids()
    for doc, entry in portfolio.evidence():
        missing = _check_source(portfolio.root, entry, diags)
        level = privacy.item_visibility(entry, doc, portfolio.config)
        if missing and level != privacy.PUBLIC:
            portfolio.withheld_missing.append((missing, level))
        _check_supports(entry, present, portfolio.fallout, diags)
        item = entry.item
        lost = _check_transcript(portfolio.root, entry, diags)
        if lost and level != privacy.PUBLIC:
            portfolio.withheld_missing.append((lost, level))
        if item.type == "image" and not item.alt.strip():
            diags.add(
                "missing-alt",
                f"the image '{item.title}' needs a text alternative",
                hint="add 'alt:' describing what the image shows, for readers who cannot see it",
                **entry.where("type"),
            )
        if item.type == "image" and item.file and not missing:
            _check_image_format(item.file, diags, entry.where("file"), "point file: at it")


def _check_transcript(root: Path, entry: EvidenceEntry, diags: Diagnostics) -> Diagnostic | None:
    """A transcript file must be there to be published; a web address must be a whole one."""
    item, where = entry.item, entry.where("transcript")
    if item.transcript_file:
        return _check_file(root, entry.path.parent, item.transcript_file, diags, where)
    address = item.transcript.strip()
    hint = url_hint(address) if address else None  # linked on the site: as strict as url:
    if hint:
        diags.add("invalid-url", url_message(address), hint=hint, **where)
    return None


def _check_image_format(name: str, diags: Diagnostics, where: dict[str, object], fix: str) -> None:
    """An image web pages cannot show is linked instead: say so, and how to show it."""
    suffix = Path(name).suffix.lower()
    if shows_as_image(name) or suffix in HEIF:  # HEIC has its own error: image-not-cleaned
        return
    kind = f"{suffix[1:].upper()} file" if suffix else "file without an ending such as .png"
    diags.add(
        "image-format",
        f"'{name}' is {article(kind)}, which web pages cannot show as a picture; the page "
        "links to it instead",
        hint=f"to show it on the page, export it as PNG or JPEG and {fix}",
        **where,
    )


def _check_source(root: Path, entry: EvidenceEntry, diags: Diagnostics) -> Diagnostic | None:
    """Exactly one of file and url; a file must be there (its error, if it is missing)."""
    item = entry.item
    if bool(item.file) == bool(item.url):
        both = "both a file and a url" if item.file else "neither a file nor a url"
        diags.add(
            "evidence-source",
            f"evidence '{item.id}' has {both}",
            hint="give exactly one: file: (a file in the portfolio) or url: (a web address)",
            **entry.where("id"),
        )
        return None
    if item.file:
        return _check_file(root, entry.path.parent, item.file, diags, entry.where("file"))
    return None


def _check_file(
    root: Path, base: Path, target: str, diags: Diagnostics, where: dict[str, object]
) -> Diagnostic | None:
    """Report a local file that cannot be published; the error if it is not there at all."""
    _, problem = resolve_local(root, base, target)
    relative = files.from_the_top(root, base, target) if problem == "outside" else None
    if relative is not None:
        diags.add(
            "evidence-file-outside",
            f"the address '{target}' starts with /, so it leads to the top of the web server, "
            "not of your site: it breaks on GitHub Pages and opened from disk",
            hint=f"write it from this file's folder: {relative}"
            + _and_missing(root, base, relative),
            **where,
        )
    elif problem == "outside":
        message, hint = files.outside(target, "file")
        diags.add("evidence-file-outside", message, hint=hint, **where)
    elif problem == "missing":
        slashed = target.replace("\\", "/")
        return diags.add(
            "evidence-file-missing",
            files.no_such_file(base, target),
            hint=f"write folders with / as on the web, not \\: {slashed}"
            if "\\" in target
            else f"paths are relative to the folder {display_path(base, root)}/; "
            "check the spelling and the capital letters",
            **where,
        )
    elif problem == "broken-link":
        return diags.add(
            "evidence-file-missing",
            f"'{target}' is {describe(problem, base / target)}",
            hint="point the link at the file again, or replace the link with the file itself",
            **where,
        )
    elif problem == "folder":
        diags.add(
            "evidence-file-missing",
            f"'{target}' is {describe(problem, base / target)}, not a file",
            hint="name one file inside it, or zip the folder and give the zip's name",
            **where,
        )
    elif problem is not None:
        diags.add(
            "special-file",
            f"'{target}' is {describe(problem, base / target)}, not an ordinary file, so it "
            "cannot be published",
            hint="save the content as an ordinary file (a PDF, an image, a document) and give "
            "that file's name",
            **where,
        )
    else:
        files.check_name(root, real_path(base / target), diags, where)
        files.check_active_content(real_path(base / target), diags, where)
    return None


def _and_missing(root: Path, base: Path, relative: str) -> str:
    """What to add to a hint whose path names no file (``/2a/x.pdf``, with no x.pdf in 2a)."""
    if resolve_local(root, base, relative)[1] != "missing":
        return ""
    return f"; and check the name: {files.no_such_file(base, relative)}"


def _refused_links(reflection: Reflection, diags: Diagnostics) -> None:
    """Links markdown-it leaves as text for their kind of address, and data: images."""
    for line, col, address in refused_links(
        reflection.parsed.tokens, reflection.parsed.source_lines
    ):
        where = reflection.at_body(line, col)
        scheme = address.partition(":")[0].lower()
        if scheme == "file":
            message, hint = files.outside(address, "file", in_link=True)
            diags.add("evidence-file-outside", message, hint=hint, **where)
        elif address[:11].lower() == "data:image/":
            diags.add(
                "image-not-cleaned",
                "this image is written into the reflection as a data: address, so cmaltgen "
                "cannot remove what its metadata holds (such as where a photo was taken)",
                hint="save the image as a file in this section's folder and show it by name: "
                "![what it shows](photo.jpg)",
                **where,
            )
        else:
            diags.add(
                "link-syntax",
                f"this link is shown as text: web pages do not follow {scheme}: addresses "
                f"('{address[:60]}')",
                hint="link to a web page (https://...) or to a file in the portfolio instead",
                **where,
            )


def _check_supports(
    entry: EvidenceEntry, present: set[str], fallout: Fallout, diags: Diagnostics
) -> None:
    for i, sid in enumerate(entry.item.supports):
        if sid not in present and not fallout.may_have_section(sid):
            diags.add(
                "unknown-section",
                f"evidence '{entry.item.id}' supports '{sid}', which is not a section of this "
                "portfolio" + suggestion(sid, present),
                **entry.where(f"supports[{i}]" if f"supports[{i}]" in entry.fields else "supports"),
                key=f"supports[{i}]",
                hint="sections here: " + ", ".join(sorted(present)),
            )


def check_references(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    ids = {entry.item.id for _, entry in portfolio.evidence()}
    present = portfolio.section_ids()
    fallout = portfolio.fallout
    config = portfolio.config
    # A page's link to one of these files is shown only where the item is. By the file's
    # real path (as the pages link files), so a link through a symlinked folder is the same.
    withheld = {
        real_path(entry.path.parent / entry.item.file): level
        for doc, entry in portfolio.evidence()
        if entry.item.file
        and not (entry.item.draft or (doc.reflection and doc.reflection.front.draft))
        and (level := privacy.item_visibility(entry, doc, config)) != privacy.PUBLIC
    }  # (a draft is left out as a draft, not for privacy: a link to its file is published)
    for _, reflection in portfolio.sections():
        _refused_links(reflection, diags)
        section_level = privacy.section_visibility(reflection.front, config)
        for ref in reflection.parsed.references:
            where = reflection.at_body(ref.line, ref.col)
            if ref.kind == "evidence" and ref.target not in ids:
                if fallout.may_have_evidence(ref.target):
                    continue  # its item had errors, reported in its evidence.yml
                diags.add(
                    "unknown-evidence",
                    f"no evidence item has the id '{ref.target}'" + suggestion(ref.target, ids),
                    hint="evidence ids are defined in the evidence.yml files",
                    **where,
                )
            elif ref.kind == "section" and ref.target not in present:
                if fallout.may_have_section(ref.target):
                    continue
                diags.add(
                    "unknown-link",
                    f"this portfolio has no section '{ref.target}'"
                    + suggestion(ref.target, present),
                    **where,
                )
            elif ref.kind == "section" and ref.fragment:
                _check_fragment(portfolio, ref, diags, where)
            elif ref.kind == "file" and _source_link(portfolio, reflection, ref, diags):
                continue
            elif ref.kind == "file":
                folder = reflection.path.parent
                missing = _check_file(portfolio.root, folder, ref.target, diags, where)
                if ref.image and not missing:
                    _check_image_format(
                        ref.target, diags, where, "use it here; or drop the ! to make it a link"
                    )
                if missing:
                    level = withheld.get(real_path(folder / ref.target), section_level)
                    if level != privacy.PUBLIC:
                        portfolio.withheld_missing.append((missing, level))
            if ref.image and not ref.text.strip():
                diags.add(
                    "missing-alt",
                    "this image has no text alternative",
                    hint="write it between the brackets: ![what the image shows](file.png)",
                    **where,
                )


def _check_fragment(
    portfolio: Portfolio, ref: Reference, diags: Diagnostics, where: dict[str, object]
) -> None:
    """``section:2a#reflection``: the part must be one of the section's headings."""
    target = next(r for _, r in portfolio.sections() if r.front.section == ref.target)
    tokens = target.parsed.tokens
    ids = [str(tokens[h.token_index].attrGet("id") or "") for h in target.parsed.headings]
    ids += ["evidence-heading"] + [f"ev-{e.item.id}" for e in _evidence_of(portfolio, ref.target)]
    if ref.fragment not in ids:
        diags.add(
            "unknown-link",
            f"section {ref.target} has no heading '{ref.fragment}'"
            + suggestion(ref.fragment, [i for i in ids if i]),
            hint="after the # write a heading's words in lower case, with - for spaces "
            f"(## My first example: section:{ref.target}#my-first-example)",
            **where,
        )


def _evidence_of(portfolio: Portfolio, section_id: str) -> list[EvidenceEntry]:
    return [
        entry
        for doc, entry in portfolio.evidence()
        if doc.section_id == section_id or section_id in entry.item.supports
    ]


def _source_link(
    portfolio: Portfolio, reflection: Reflection, ref: Reference, diags: Diagnostics
) -> bool:
    """A link to a reflection.md, evidence.yml, cpd.yml or portfolio.yml: those are never
    published (a section's may be for assessors only), so the page shows the words unlinked."""
    found = portfolio.source_files.get(real_path(reflection.path.parent / ref.target))
    if found is None:
        return False
    sid, kind = found
    whose = f"the {kind} of section {sid}" if sid else "the portfolio's settings"
    hint = f"link to the section's page instead: [{ref.text or 'my work'}](section:{sid})"
    diags.add(
        "source-link",
        f"this links to '{ref.target}', {whose}, a file cmaltgen does not publish; the page "
        "shows the words without a link",
        hint=hint if sid else "remove the link, or link to a page of the site instead",
        **reflection.at_body(ref.line, ref.col),
    )
    return True


def check_uncited(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    cited: set[str] = set()
    shown: dict[str, tuple[Reflection, Reference]] = {}  # a file linked or shown as an image
    for _, reflection in portfolio.sections():
        for ref in reflection.parsed.references:
            if ref.kind == "evidence":
                cited.add(ref.target)
            elif ref.kind == "file":
                shown.setdefault(
                    os.path.normpath(reflection.path.parent / ref.target), (reflection, ref)
                )
    for doc, entry in portfolio.evidence():
        if entry.item.id in cited or privacy.in_no_edition(portfolio, doc, entry):
            continue  # a private item is the author's own record: no reader looks for it
        if portfolio.fallout.may_cite(entry.item.id):
            continue
        cite = f"[{entry.item.title}](evidence:{entry.item.id})"
        hint = f"cite it where you discuss it: {cite}"
        found = shown.get(os.path.normpath(entry.path.parent / entry.item.file))
        if entry.item.file and found:
            reflection, ref = found
            where = (
                f"{display_path(reflection.path, portfolio.root)}:{reflection.file_line(ref.line)}"
            )
            what = "shows it as an image" if ref.image else "links to its file"
            hint = (
                f"{where} {what}, which does not lead to the item or its number: cite it there "
                f"too, e.g. [](evidence:{entry.item.id}) just after it"
            )
        diags.add(
            "uncited-evidence",
            f"no reflection cites evidence '{entry.item.id}'",
            hint=hint,
            **entry.where("id"),
        )


PROPRIETARY = {
    **dict.fromkeys((".docx", ".doc"), "Word document"),
    **dict.fromkeys((".pptx", ".ppt"), "PowerPoint presentation"),
    **dict.fromkeys((".xlsx", ".xls"), "Excel spreadsheet"),
    ".key": "Keynote presentation",
    ".pages": "Pages document",
    ".numbers": "Numbers spreadsheet",
}


def check_formats(portfolio: Portfolio, specs: Specs, diags: Diagnostics) -> None:
    """Assessors may lack specialist software: suggest PDF for office formats."""
    config = portfolio.config
    if portfolio.setting_failed("privacy"):
        return  # who sees what depends on the setting that has an error
    for doc, entry in portfolio.evidence():
        if doc.broken is not None:
            continue  # who sees it depends on its section's front matter, which has errors
        kind = PROPRIETARY.get(Path(entry.item.file).suffix.lower()) if entry.item.file else None
        shown = privacy.visible(privacy.item_visibility(entry, doc, config), "assessor")
        if kind and shown and not entry.item.draft:
            diags.add(
                "proprietary-format",
                f"'{entry.item.file}' is {article(kind)}, which assessors may not be able to open",
                hint="export it as PDF (File > Save as > PDF) and point file: at the PDF",
                **entry.where("file"),
            )
