"""Build state and rebuilding only what changed: cache, up-to-date check, quick rebuilds."""
