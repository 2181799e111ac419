"""Sidecar corrections: `<file>.yaml` next to an article adds or corrects its fields.

The original file is never modified. Sidecar fields win over what the loader read, and the
provenance names the sidecar as the origin of each field it set. A sidecar that cannot be read
(bad YAML, over a YAML limit, a wrong type) is ignored with its diagnostic: the article builds
as its own file states it.
"""

from __future__ import annotations

from dataclasses import replace

from archivegen.errors import Diagnostics, SourceLocation
from archivegen.limits import DEFAULT_LIMITS, Limits
from archivegen.load.layouts.fields import read_fields
from archivegen.model import Article, Source
from archivegen.yamlmap import load_mapping


def apply_sidecar(article: Article, source: Source, diags: Diagnostics,
                  limits: Limits = DEFAULT_LIMITS) -> Article:
    """The article with the sidecar's fields applied; unchanged if the sidecar is unusable."""
    if source.sidecar is None:
        return article
    path = source.sidecar_path
    try:
        text = source.sidecar.decode("utf-8-sig")
    except UnicodeDecodeError:
        diags.error("AG001", "sidecar is not UTF-8 text; ignored", SourceLocation(path=path))
        return article
    errors_before = diags.errors
    entries = load_mapping(text.replace("\r\n", "\n"), path, 1, diags, limits)
    if entries is None:
        return article
    fields, origins = read_fields(entries, path, "sidecar", diags)
    if diags.errors > errors_before:
        return article  # a half-applied correction would be worse than none
    set_names = set(fields)
    kept = tuple(o for o in article.provenance.fields if o.name not in set_names)
    provenance = replace(article.provenance, fields=kept + tuple(origins), sidecar_path=path)
    return replace(article, **fields, provenance=provenance)
