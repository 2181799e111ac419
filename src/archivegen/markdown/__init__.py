"""Safe Markdown: markdown-it-py with raw HTML off, a link allowlist and bounded cost per byte."""
