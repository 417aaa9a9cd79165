"""Django's SQLite backend with the placeholder rewrite done once per statement text."""
