"""Opportunities: technology offers and requests, collaboration calls and expertise offers, with matching."""
