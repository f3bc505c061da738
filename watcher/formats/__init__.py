"""The interchange formats of DESIGN.md: reading, validating and writing them."""
