"""Accounts: joining, signing in and out, passwords, e-mail addresses, roles and language preferences."""
