"""The site's shape from loaded articles: taxonomies, date archives, listing pages."""
