"""The rep's pages. Any signed-in person can learn; each sees only their own work."""
