"""Links complaints to tickets: candidates, explainable scoring, decisions."""
