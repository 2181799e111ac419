"""Full-text search the build keeps: words of each article (terms), posting lists in shards
by term hash (postings), the files of a whole index (index) and an edit's changes to them
(patch). The browser side is the default theme's static/search.js."""
