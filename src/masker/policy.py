"""The one masking policy, shared by ``propose``, ``redact``, the web editor and ``audit``.

Why these numbers: a name mask is the name's glyphs plus a margin of about 10% of the character
height, so it never reaches into neighbouring characters or lines; anything much taller than a
line or wider than a long name is not a name mask and would hide content the reviewers need.
Seals are the one mask allowed to be larger, still bounded.

How ``audit`` applies the same policy to masks it finds on a masked page:

- **Too large** (``MASK_TOO_LARGE``): every found mask goes through ``check_mask`` exactly as a
  proposed one would. Its kind is what lies under it when the original is given (the own seal →
  ``seal``, else ``name``); without the original a roughly square mask at least
  ``audit_seal_min_lines`` line heights on each side is judged as a seal, anything else as a name.
  The line height is the page's median text-line height. With the original, a mask that covers
  the applicant's name but is more than ``audit_mask_area_factor`` times the name's area is too
  large as well.
- **Hidden or visible**: a character of the applicant's name counts as hidden when found masks
  cover at least ``audit_hidden_coverage`` of its width (over most of its height); an occurrence
  is covered when ``audit_covered_share`` of its width is hidden. With the original, a character
  is also hidden when its ink is gone from the masked page or the masked page there no longer
  looks like it (correlation below ``audit_hidden_similarity``): white-out, light mosaics. None hidden → ``NAME_VISIBLE``;
  some, with a visible run of at least ``partly_visible_min_chars`` characters →
  ``NAME_PARTLY_VISIBLE``. The own seal must be covered over ``audit_seal_covered_share`` of its box.
- **Partly visible without the original**: the masked page is read again; where a found mask
  sits on a text line and the text right next to it (within ``audit_partly_max_gap`` line
  heights) is the end of the applicant's name (``■伟``, ``■■·阿不都热依木``) or its beginning
  (``张■``), and the mask is as wide as the missing characters (within
  ``audit_partly_width_tolerance`` characters), the rest of the name is readable: a 2-character
  Han name with one character left is partly visible. The visible piece must end where a name
  ends (punctuation, a gap, a line end or a word that follows names, as for ``propose``), so
  ``■伟华`` is not taken for ``张伟``. Also (``audit.remnants``): the start or end of the name read at a
  name boundary where the missing characters' place, as wide as they are, holds a found mask, a
  soft patch without strokes (a light mosaic or blur), or blank paper inside the line or in the
  applicant's own slot (white-out) — ``璟芳同志``, ``姓名 | 文忠``.
- **Other people**: a mask in a slot labelled for someone else (负责人：■■) is a warning without the
  original (``MASK_ON_OTHER_LABEL``); with the original, a hidden name other than the
  applicant's is ``OTHER_NAME_MASKED`` (error) and other hidden text ``MASK_OVER_OTHER_TEXT``
  (warning), counting characters whose ink is covered over ``audit_hidden_coverage`` (unless the
  masked page there still shows the glyph unchanged). A hidden name is a surname and one or two
  characters, or a Uyghur name, between name boundaries (labels, punctuation, a blank, a line
  end; a word followed by a colon is a label), or most of one (two characters or more, and 60%)
  whose first or last character a block's edge left visible.
"""
from __future__ import annotations

from dataclasses import dataclass

from .geometry import Box, area, height, width


@dataclass(frozen=True)
class Policy:
    #: margin around a name's glyphs, as a share of the character height
    name_margin: float = 0.10
    #: a name mask may be at most this many line heights tall
    max_name_height_lines: float = 3.0
    #: ... and at most this many character heights wide (longest Uyghur names ≈ 14 chars)
    max_name_width_chars: float = 18.0
    #: no single mask of any kind may exceed this share of the page area
    max_page_share: float = 0.06
    #: seals: at most this share of the page area, and at most this share of the page's short side
    max_seal_page_share: float = 0.06
    max_seal_side_share: float = 0.40
    #: signature masks: at most this share of the page area
    max_signature_page_share: float = 0.03
    #: audit: a visible remainder of a name counts as "partly visible" when at least this many
    #: characters of it can still be read
    partly_visible_min_chars: int = 1
    #: audit: a found mask this much larger than the name it covers is too large
    audit_mask_area_factor: float = 4.0
    #: audit: a character counts as hidden when masks cover at least this share of it
    audit_hidden_coverage: float = 0.6
    #: audit, with the original: a character also counts as hidden when the masked page there
    #: correlates with the original less than this (a light mosaic or blur leaves no hard edge)
    audit_hidden_similarity: float = 0.65
    #: audit: a name occurrence counts as covered when this share of its width is hidden
    audit_covered_share: float = 0.9
    #: audit: the own seal counts as covered when this share of its box is masked
    audit_seal_covered_share: float = 0.85
    #: audit, without the original: the visible rest of a name starts within this many line
    #: heights of the mask ...
    audit_partly_max_gap: float = 0.8
    #: ... and the mask is as wide as the hidden characters, within this many characters
    audit_partly_width_tolerance: float = 0.7
    #: audit, without the original: a roughly square mask (sides within this ratio) at least
    #: ``audit_seal_min_lines`` line heights on each side is judged by the seal limits
    audit_seal_aspect: float = 1.6
    audit_seal_min_lines: float = 3.0

    def check_mask(self, kind: str, box: Box, page_w: float, page_h: float,
                   line_height: float | None = None) -> str | None:
        """Return None when the mask is allowed, else the reason (Chinese / English) it is refused."""
        page_area = max(1.0, page_w * page_h)
        a = area(box)
        if a <= 0:
            return "空白框 / empty box"
        if kind == "seal":
            if a > self.max_seal_page_share * page_area:
                return (f"印章遮盖面积过大（{a / page_area:.1%} 页面，上限 {self.max_seal_page_share:.0%}）/ "
                        f"seal mask too large ({a / page_area:.1%} of the page, limit {self.max_seal_page_share:.0%})")
            side = max(width(box), height(box))
            if side > self.max_seal_side_share * min(page_w, page_h):
                return "印章遮盖尺寸过大 / seal mask too large for a seal"
            return None
        limit_share = self.max_signature_page_share if kind == "signature" else self.max_page_share
        if a > limit_share * page_area:
            return (f"遮盖面积过大（{a / page_area:.1%} 页面，上限 {limit_share:.0%}）/ "
                    f"mask too large ({a / page_area:.1%} of the page, limit {limit_share:.0%})")
        if kind == "name" and line_height:
            if height(box) > self.max_name_height_lines * line_height:
                return (f"遮盖框高度超过 {self.max_name_height_lines:g} 倍行高 / mask taller than "
                        f"{self.max_name_height_lines:g} line heights")
            if width(box) > self.max_name_width_chars * line_height:
                return "遮盖框过宽，超过姓名长度 / mask wider than any name"
        return None


DEFAULT_POLICY = Policy()
