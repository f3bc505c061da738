"""Readers of public sources; every one of them yields posts in the Posts format."""
