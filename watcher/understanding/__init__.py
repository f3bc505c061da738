"""Understanding posts: language, brand, complaint, category, severity, identifiers, loudness."""
