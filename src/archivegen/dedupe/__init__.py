"""Duplicates: finding near copies and excerpts (detect), folding them into one page (fold)."""
