"""Audit (placeholder during development)."""
