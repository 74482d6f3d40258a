"""Transparency: service statistics projected from the platform's own events, open data
with small-count suppression, and citizens' ratings."""
