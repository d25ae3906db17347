"""Full-text search over forum threads and posts, events and member profiles, on SQLite FTS5 and PostgreSQL."""
