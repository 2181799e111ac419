"""The research export (#17): every published article with its provenance, as archive.json
(with the JSON Schema archive.schema.json beside it), archive.csv and archive.sqlite.

Written by the full build after the pages, in one pass over the articles in URL order, each
record read once (from memory or the build cache) and let go of: never every body at once.
"""
