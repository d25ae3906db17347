"""The site's front pages: home and dashboard, language switching, health check."""
