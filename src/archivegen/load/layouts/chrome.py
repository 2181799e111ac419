"""Page chrome: the lines of a saved web page that belong to the site, not to the article.

Text copied from a forum, a mailing-list archive, a blog, a newsletter or a document viewer
starts with the site's furniture: navigation bars, breadcrumbs, "Skip to content", rating
widgets, view counters, mail headers, links with nothing but an address. Each test here looks
at one line alone; `is_chrome` says whether the line is furniture of any kind. The article's
loader moves such lines out of the body into the page's provenance; none of them fills a
field except where a function says so (mail headers, breadcrumbs, subscription calls).
"""

from __future__ import annotations

import re

# Whole lines of interface text, in any case.
_UI_RE = re.compile(
    r"(?i)^(?:skip to (?:main )?content.*|skip to first unread message|dismiss|share(?: this)?"
    r"|tweet|print|e-?mail(?: this)?|comments?|\d+ comments?|advertisement|click here|read more"
    r"|continue reading\W*|home|menu|search|log ?in|sign ?in|sign up|subscribe|reply|quote"
    r"|thread rating:?|#\d+|\d+ views?|unread,?|to|of \d+|\d+\s*/\s*\d+|download\b.*"
    r"|transcript of\b.*|having trouble viewing this email\??|view (?:mobile|desktop) version"
    r"|(?:\W*\d+ )?vote\(s\).*|[•·*-]\s*\d{0,3}(?:\s+vote\(s\).*)?)$")
# Widgets a site puts among the article's lines: "Headline: <another story>", "Related: ...",
# and a poster line with no date ("Posted on by someone": the blog's owner, not the writer).
_WIDGET_RE = re.compile(r"(?i)^(?:headline|related|read more|read also|also read|see also"
                        r"|recommended|sponsored|trending|popular|advertisement)\s*:\s*\S"
                        r"|^posted(?:\s+on)?\s+by\s+\S+$")
# A forum post's timestamp ("09-01-2009, 06:13 AM"), a lone short code ("PDA", "RSS"), an
# archive's "View Full Version : <title>".
_STAMP_RE = re.compile(
    r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4},?\s+\d{1,2}:\d\d(?::\d\d)?\s*(?:[AaPp][Mm])?"
    r"|^[A-Z]{2,4}$|^(?i:view full version)\s*:")
# A photo's caption, known by its credit: "... ( REUTERS/Jane Roe/Reuters )", "(AP Photo/...)",
# "(Getty Images)", "(File photo)".
_CAPTION_RE = re.compile(r"\(\s*[A-Z][\w .'-]*(?:/[A-Z][\w .'-]*)+\s*\)\s*$"
                         r"|(?i:\((?:[\w .'-]*\s)?(?:photo|getty images|file photo|image|credit)"
                         r"[^)]*\))\s*$")
# Things that are only an address.
_URL_RE = re.compile(r"^(?:<)?(?:https?://|www\.)\S+(?:>)?$", re.IGNORECASE)
_IMAGE_RE = re.compile(r"^\[(?:image|photo|picture|img)\s*:[^\]]*\]$", re.IGNORECASE)
_URL_LABEL_RE = re.compile(r"(?i)^(?:the\s+)?(?:url|link|permalink) (?:of|to|for) this "
                           r"(?:article|page|post|story)(?:\s+is)?\s*:?\s*\S*$")
# A line that tells the reader about the service rather than the story.
_SERVICE_RE = re.compile(
    r"(?i)\b(?:no longer supports|view this email|unsubscribe|all rights reserved"
    r"|add your two cents|readers think this story|javascript|cookies?\b.*\baccept)")
_SUBSCRIBE_RE = re.compile(
    r"^(?i:subscribe|sign up)\s+(?i:to|for)\s+(?P<site>[A-Z][\w'\u2019&.-]*"
    r"(?:\s+[A-Z0-9][\w'\u2019&.-]*){0,5})(?:\s+(?i:for free|today|now))?[.!]*$")
_MAIL_HEADER_RE = re.compile(
    r"^(?P<key>From|Date|Subject|To|Cc|Sent|Reply-To)\s*:\s*(?P<value>.*)$")
_BREADCRUMB_SEPARATORS = ("\u00bb", " > ", "\u203a")
MAX_NAV_ITEM_WORDS = 3


def is_navigation(line: str) -> bool:
    """'Home | Mobile | Editorial | Mission | ...': three or more short items between bars."""
    items = [item.strip() for item in line.split("|")]
    return len(items) >= 4 and all(
        item and len(item.split()) <= MAX_NAV_ITEM_WORDS for item in items)


def breadcrumb_tail(line: str) -> str | None:
    """'Home » News » The headline' -> 'The headline'; None for a line that is not one."""
    for separator in _BREADCRUMB_SEPARATORS:
        parts = [p.strip() for p in line.split(separator)]
        if len(parts) >= 3 and all(parts) and len(parts[0].split()) <= MAX_NAV_ITEM_WORDS:
            return parts[-1]
    return None


def mail_header(line: str) -> tuple[str, str] | None:
    """('From', 'Gerald Levy <...>') for a mail header line."""
    if (m := _MAIL_HEADER_RE.match(" ".join(line.split()))) is not None:
        return m["key"], m["value"]
    return None


def subscribed_site(line: str) -> str | None:
    """'Subscribe to Canada Free Press for FREE' -> 'Canada Free Press': a site names itself."""
    m = _SUBSCRIBE_RE.match(" ".join(line.split()))
    return m["site"] if m is not None else None


def is_url_line(line: str) -> bool:
    return bool(_URL_RE.match(line.strip()))


def is_chrome(line: str) -> bool:
    """Does this one line belong to the page around the article?"""
    text = " ".join(line.split())
    if not text:
        return False
    return bool(_UI_RE.match(text) or _URL_RE.match(text) or _IMAGE_RE.match(text)
                or _URL_LABEL_RE.match(text) or _WIDGET_RE.match(text) or _STAMP_RE.match(text)
                or _CAPTION_RE.search(text)
                or _SERVICE_RE.search(text) or is_navigation(text)
                or breadcrumb_tail(text) is not None or mail_header(text) is not None
                or subscribed_site(text) is not None)
