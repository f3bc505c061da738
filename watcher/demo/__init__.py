"""The offline demo: local sites, example tickets, every stage, a summary."""
