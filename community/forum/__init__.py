"""The forum: categories, threads and replies among members, in Spanish, Portuguese and English."""
