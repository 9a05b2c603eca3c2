"""Cohort hubs: one site for a cohort of candidates, their mentors and portfolios."""
