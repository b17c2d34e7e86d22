"""Text knowledge: character classes, name normalisation, OCR confusions, label words."""
