"""Seed data: the demo network that `make run` loads on a fresh database."""
