"""WordPress content that is kept outside a page's own HTML: reusable blocks, the kinds of
item a theme or plugin adds, and media that WordPress draws from an address alone."""

from __future__ import annotations

import json
import re
from html import escape, unescape

# Items WordPress or its plugins make for themselves (settings, sitemaps, visitors' form
# messages), never a candidate's writing: not read.
# Any other kind of item (a theme's "portfolio" or "project") is read like a post.
INTERNAL_TYPES = {
    "attachment", "revision", "nav_menu_item", "wp_block", "wp_template", "wp_template_part",
    "wp_navigation", "wp_global_styles", "wp_font_family", "wp_font_face", "custom_css",
    "customize_changeset", "oembed_cache", "user_request", "feedback", "jp_pay_order",
    "jp_pay_product", "elementor_library", "et_pb_layout", "et_theme_builder", "et_template",
    "acf-field", "acf-field-group", "wpcf7_contact_form", "wp-types-group", "shop_order",
    "shop_coupon", "product_variation", "scheduled-action", "amp_validated_url", "wpforms",
    "mc4wp-form", "tablepress_table", "h5p_content", "safecss", "jp_sitemap",
    "jp_sitemap_master", "jp_sitemap_index", "jp_img_sitemap", "jp_img_sitemap_index",
    "jp_vid_sitemap", "jp_vid_sitemap_index", "flamingo_inbound", "flamingo_contact",
    "flamingo_outbound", "nf_sub", "postman_sent_mail", "shop_order_refund", "edd_payment",
    "ml-slider", "wpcode", "wp_log", "patterns_ai_data",
}  # fmt: skip

_REUSABLE = re.compile(r"<!--\s*wp:block\s+(\{[^<>]*?\})\s*/?-->(?:\s*<!--\s*/wp:block\s*-->)?")
_REF = re.compile(r'"ref"\s*:\s*"?([0-9]{1,12})\b')
_DEPTH = 5  # a reusable block may hold others; a loop of them stops here


def reusable(html: str, blocks: dict[str, str], depth: int = 0) -> tuple[str, list[str]]:
    """``html`` with each reusable block (``<!-- wp:block {"ref":12} /-->``) replaced by its
    content from the export; one named in ``missing`` for each that the export lacks."""
    missing: list[str] = []

    def inline(match: re.Match[str]) -> str:
        ref = _REF.search(match.group(1))
        content = blocks.get(ref.group(1)) if ref else None
        name = f"a reusable block ({ref.group(1) if ref else '?'})"
        if content is None or depth >= _DEPTH:
            missing.append(f"{name} {'not in the export' if content is None else 'in itself'}")
            return ""
        inner, deeper = reusable(content, blocks, depth + 1)
        missing.extend(deeper)
        return inner

    if "wp:block" not in html:
        return html, []
    return _REUSABLE.sub(inline, html), missing


_ADDRESS = r"(?:https?:)?//[^\s\"'<>\[\]]+"
# The address of a video, sound, frame or embedded file: kept as a link, as it is evidence.
_MEDIA_TAG = re.compile(
    rf"<(iframe|video|audio|source|embed|object)\b[^<>]*?\b(?:src|data)\s*=\s*[\"']?({_ADDRESS})",
    re.I,
)
# A shortcode's address: [video mp4="..."], [pdf-embedder url="..."], [et_pb_button
# button_url="..."] (a page builder's).
_SHORTCODE_ADDRESS = re.compile(
    r"\[([A-Za-z][\w-]*)\b[^\[\]]*?\s[\w-]*(?:src|url|mp4|m4v|webm|ogv|mp3|m4a|ogg|wav|file|"
    rf"href|link)\s*=\s*[\"']?({_ADDRESS})",
    re.I,
)
# An address WordPress turns into an embed: alone on its line, or inside [embed]...[/embed].
# An embed block with a caption: its address alone in the wrapper, the caption after it.
_CAPTIONED = re.compile(
    rf"<div class=\"wp-block-embed__wrapper\">\s*({_ADDRESS})\s*</div>\s*"
    r"<figcaption\b[^<>]*>((?:[^<]|<(?!/figcaption>))*)</figcaption>",
    re.I,
)
# The Download button a file block draws after the file's own link (the same address).
_FILE_BUTTON = re.compile(
    r"<a\s(?=[^<>]*\bclass=\"[^\"<>]*\bwp-block-file__button\b)[^<>]*?\bhref=\"([^\"<>]*)\"[^<>]*>"
    r"[^<>]*</a>"
)
_ALONE = re.compile(r"(?m)^[ \t]*(https?://[^\s<>\[\]\"']+)[ \t]*\r?$")
_EMBED = re.compile(rf"\[embed\b[^\[\]]*\]\s*({_ADDRESS})\s*\[/embed\]", re.I)


def media_links(html: str) -> tuple[str, int]:
    """``html`` with a link put before each embedded video, sound, frame or file, and each
    embed address made a link, so its address becomes evidence; and how many were kept."""
    count = 0

    def link(address: str, words: str = "") -> str:
        nonlocal count
        count += 1
        address = unescape(address)  # written in HTML: "&amp;" in it is "&"
        return f'<p><a href="{escape(address)}">{escape(words or _label(address))}</a></p>'

    def captioned(match: re.Match[str]) -> str:  # an embed block's caption names its link
        words = unescape(" ".join(re.sub(r"<[^<>]*>", " ", match.group(2)).split()))
        return link(match.group(1), words[:200])

    html = _EMBED.sub(lambda m: link(m.group(1)), html)
    if "wp-block-embed__wrapper" in html:
        html = _CAPTIONED.sub(captioned, html)
    hrefs = re.findall(r"\bhref\s*=\s*[\"']?([^\"'\s<>]+)", html)
    linked = set(hrefs)
    if "wp-block-file__button" in html:  # a file block's Download button, beside its link
        html = _FILE_BUTTON.sub(lambda m: "" if hrefs.count(m.group(1)) > 1 else m.group(0), html)

    def tag(match: re.Match[str]) -> str:  # a file block's viewer beside its own link: as is
        address = match.group(2)
        return match.group(0) if address in linked else link(address) + match.group(0)

    html = _MEDIA_TAG.sub(tag, html)
    html = _SHORTCODE_ADDRESS.sub(lambda m: link(m.group(2)) + m.group(0), html)
    return _ALONE.sub(lambda m: link(m.group(1)), html), count


def _label(address: str) -> str:
    """A link's words for an address: the file's name, or the address without "https://"."""
    name = address.rsplit("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return name if re.fullmatch(r"[^.]+\.[A-Za-z0-9]{2,4}", name) else address.split("//", 1)[-1]


_GALLERY = re.compile(r"\[gallery\b([^\[\]]*)\]", re.I)


def gallery(html: str, by_id: dict[str, str], attached: list[str]) -> str:
    """A classic ``[gallery ids="4,5"]`` as the images it shows (the export has their
    addresses), and ``[gallery]`` as the files ``attached`` to its page, as WordPress shows
    it; one with ids the export lacks stays for the removal warning."""

    def images(match: re.Match[str]) -> str:
        ids = re.search(r"\bids\s*=\s*[\"']?([0-9,\s]+)", match.group(1))
        urls = [by_id[i] for i in re.findall(r"[0-9]+", ids.group(1)) if i in by_id] if ids else []
        if not ids and not re.search(r"\b(include|exclude|id)\s*=", match.group(1)):
            urls = attached
        if not urls:
            return match.group(0)
        shown = "".join(
            f'<figure><img src="{escape(url)}"></figure>'
            if re.search(r"\.(png|jpe?g|gif|webp|svg|bmp|tiff?)$", url, re.I)
            else f'<p><a href="{escape(url)}">{escape(_label(url))}</a></p>'
            for url in urls
        )
        return shown + match.group(0)  # the shortcode itself is removed and reported later

    return _GALLERY.sub(images, html) if "[gallery" in html.lower() else html


_TEXT_SETTINGS = (
    "title",
    "editor",
    "text",
    "description",
    "html",
    "content",
    "caption",
    "tab_title",
)


def elementor(stored: str) -> str:
    """The HTML of a page made with Elementor, from the JSON it keeps in ``_elementor_data``
    (its page content may be empty): headings, text, buttons, images, videos, tabs."""
    try:
        elements = json.loads(stored)
    except (ValueError, RecursionError):  # RecursionError: nested thousands deep
        return ""
    out: list[str] = []
    stack = [elements] if isinstance(elements, dict) else list(reversed(elements or []))
    while stack and len(out) < 100_000:
        element = stack.pop()
        if not isinstance(element, dict):
            continue
        settings = element.get("settings")
        if isinstance(settings, dict):
            out.append(_widget(str(element.get("widgetType", "")), settings))
        children = element.get("elements")
        if isinstance(children, list):
            stack.extend(reversed(children))
    return "\n".join(part for part in out if part)


def _widget(kind: str, settings: dict[str, object], depth: int = 0) -> str:
    parts: list[str] = []
    for key, value in settings.items():
        if isinstance(value, list) and depth < 20:  # tabs, accordions, lists: items' text
            parts += [_widget("", v, depth + 1) for v in value if isinstance(v, dict)]
        elif isinstance(value, dict) and isinstance(value.get("url"), str) and value["url"]:
            url = str(value["url"])
            alt = escape(str(value.get("alt") or ""))
            image = key == "image" or re.search(r"\.(png|jpe?g|gif|webp|svg)$", url, re.I)
            parts.append(
                f'<figure><img src="{escape(url)}" alt="{alt}"></figure>'
                if image
                else f'<p><a href="{escape(url)}">{escape(_label(url))}</a></p>'
            )
        elif (
            isinstance(value, str)
            and value.startswith(("http://", "https://"))
            and (key.endswith("_url") or key in ("url", "link"))
        ):
            parts.append(f'<p><a href="{escape(value)}">{escape(_label(value))}</a></p>')
        elif isinstance(value, str) and value.strip() and _textual(key, value):
            parts.append(_text(kind, key, value, str(settings.get("header_size") or "h2")))
    return "\n".join(parts)


def _textual(key: str, value: str) -> bool:
    """A setting holding words ("tab_content", "button_text"), not a switch ("yes")."""
    textual = key in _TEXT_SETTINGS or key.endswith(("_content", "_text", "_description"))
    return textual and value.strip().lower() not in ("yes", "no", "")


def _text(kind: str, key: str, value: str, size: str) -> str:
    if kind == "heading" and key == "title":
        level = size if re.fullmatch(r"h[1-6]", size) else "h2"
        return f"<{level}>{value}</{level}>"
    if key in ("title", "tab_title", "text", "caption"):
        return f"<p>{value}</p>"  # already HTML, as Elementor keeps it
    return value
