"""Fairness report: are loud customers handled faster than quiet ones with the same problem?"""
