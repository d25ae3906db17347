"""E-mail digests: each member's choice of how often, and building and sending what is new for them."""
