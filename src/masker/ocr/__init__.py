"""OCR engines behind one interface: lines of text with a box per character."""
from .base import Char, NullEngine, OcrEngine, TextLine
from .factory import create_engine

__all__ = ["Char", "TextLine", "OcrEngine", "NullEngine", "create_engine"]
