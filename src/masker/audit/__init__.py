"""``masker audit``: judge a masked file the way the review committee does.

- ``masks_found``: the masks already on the page (solid fills of any colour, white-out inside a
  text line, mosaics, heavy blur, scribbles), from the pixels alone;
- ``align``: register the masked page on its original and find what changed;
- ``judge``: the findings (``NAME_VISIBLE``, ``NAME_PARTLY_VISIBLE``, ``OTHER_NAME_MASKED``,
  ``MASK_TOO_LARGE``, ``OWN_SEAL_VISIBLE``, ``NOT_UPRIGHT``, ``ILLEGIBLE``; warnings
  ``MASK_ON_OTHER_LABEL``, ``MASK_OVER_OTHER_TEXT``, ...), by the rules of ``masker.policy``;
- ``annotate``: the pages with every finding drawn on them.

``run_audit(masker, doc, query, original=None, annotate=None)`` returns an ``AuditResult`` whose
``to_dict()`` is the audit JSON of shared/CONTRACT.md.
"""
from .masks_found import FoundMask, find_masks
from .pipeline import audit_page, run_audit, view_of
from .result import AuditPage, AuditResult, MaskFound

__all__ = ["run_audit", "AuditResult", "AuditPage", "MaskFound", "FoundMask", "find_masks", "audit_page", "view_of"]
