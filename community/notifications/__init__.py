"""In-site notifications: what happened that a member should know about, and the bell that counts them."""
