"""Image compliance: orientation and skew, legibility, document-or-photo, the 1-inch photo."""
