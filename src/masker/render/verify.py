"""Re-read a redacted file and fail loudly if the applicant's name can still be found.

PDFs: the whole text layer and metadata are searched again with the same name finder (cheap).
Images: the lines that held a mask are re-recognised from the output pixels (not the whole page,
which would double the time): a mask that failed to hide its name shows up there.
"""
from __future__ import annotations

from ..errors import LeakError
from ..finders.base import PageContext, Query
from ..finders.name import NameFinder
from ..io import load
from ..results import ProposeResult
from ..text.chars import normalize_name


def verify_redacted(masker, data: bytes, result: ProposeResult, name: str) -> None:
    doc = load(data, name="redacted", limits=masker.limits)
    try:
        core, _ = normalize_name(name)
        target = "".join(core)
        if doc.kind == "pdf":
            finder = NameFinder()
            for page in doc.pages:
                ctx = PageContext(page=page, raster=None, lines=list(page.text_lines or []), scale=page.scale,
                                  width=page.width, height=page.height)
                if finder.find(ctx, Query(name)).masks:
                    raise LeakError(f"遮盖后第 {page.index + 1} 页文本层仍含申报人姓名 / the name is still in the "
                                    f"text layer of page {page.index + 1} after redaction")
            meta = " ".join(str(v) for v in (doc.pdf.metadata or {}).values())  # type: ignore[union-attr]
            xmp = doc.pdf.get_xml_metadata() or ""  # type: ignore[union-attr]
            if target and (target in meta.replace("·", "") or target in xmp.replace("·", "")):
                raise LeakError("遮盖后 PDF 元数据仍含申报人姓名 / the PDF metadata still names the applicant")
            return
        crops, where = [], []
        for page, pres in zip(doc.pages, result.pages):
            img = page.image
            H, W = img.shape[:2]
            for m in pres.masks:
                if m.kind != "name":
                    continue
                x0, y0, x1, y1 = m.box
                h = y1 - y0
                cx0, cx1 = int(max(0, x0 - 0.6 * h)), int(min(W, x1 + 0.6 * h))
                cy0, cy1 = int(max(0, y0 - 0.15 * h)), int(min(H, y1 + 0.15 * h))
                if cx1 - cx0 > 4 and cy1 - cy0 > 4:
                    crops.append(img[cy0:cy1, cx0:cx1])
                    where.append(page.index)
        if not crops or not target:
            return
        for (text, _), pidx in zip(masker.engine.recognize(crops), where):
            flat = "".join(ch for ch in text if ch not in " ·•・.-")
            if target in flat:
                raise LeakError(f"遮盖后第 {pidx + 1} 页仍可识别出申报人姓名 / the name can still be read on "
                                f"page {pidx + 1} after redaction")
    finally:
        doc.close()
