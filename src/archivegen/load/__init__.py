"""Reading articles: input files found and read, each layout parsed, scrape repairs applied."""
