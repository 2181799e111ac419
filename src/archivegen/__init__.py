"""archivegen: turn a folder of scraped news articles into a static archive website."""

__version__ = "0.1.0"
