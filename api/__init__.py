"""masker's HTTP API and web page (``api.app:app``). Kept light: worker processes import it."""
