"""Finders: small recognisers that report what must be masked and what is kept, and why."""
