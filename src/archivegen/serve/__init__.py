"""`archivegen serve`: the rebuild loop (command) and the HTTP side (httpd)."""
