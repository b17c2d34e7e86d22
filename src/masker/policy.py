"""The one masking policy, shared by ``propose``, ``redact``, the web editor and ``audit``.

Why these numbers: a name mask is the name's glyphs plus a margin of about 10% of the character
height, so it never reaches into neighbouring characters or lines; anything much taller than a
line or wider than a long name is not a name mask and would hide content the reviewers need.
Seals are the one mask allowed to be larger, still bounded.
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
