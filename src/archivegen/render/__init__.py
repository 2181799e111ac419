"""Pages to bytes to files: the Jinja environment, page rendering, and the output writer."""
