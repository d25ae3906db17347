"""Professional profiles, verified institutions and the member directory: who does what, where."""
