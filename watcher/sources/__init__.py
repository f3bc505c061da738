"""Readers of sources (feeds, forums, blogs, Reddit) and the stage that stores what they read."""
