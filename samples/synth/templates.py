"""Page templates, family ``main``, and the registry of both families.

A template fills a :class:`~samples.synth.layout.Layout` for one applicant: the applicant's name
1–4 times in different contexts (label cells, running text, author lists, table cells; padded
``张　伟``; wrapped over two lines), other people's names and traps next to it, signer labels,
seals and signatures. ``templates_independent`` holds the second family, with different layouts,
wording and fonts, for measuring a method on pages it was not tuned on.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable

from . import content as C
from .content import Applicant, Cast
from .fonts import FAMILY_FONTS, PDF_FONTS
from .layout import A4_H, A4_W, BLACK, Layout, Table, Tok

__all__ = ["Ctx", "TEMPLATES", "FAMILIES", "build_page"]

RED = (205, 28, 30)


@dataclass
class Ctx:
    rng: random.Random
    app: Applicant
    cast: Cast
    lay: Layout
    L: float  # left margin
    R: float  # right edge of the text block

    @property
    def W(self) -> float:
        return self.R - self.L

    @property
    def cx(self) -> float:
        return (self.L + self.R) / 2


def new_ctx(rng: random.Random, app: Applicant, family: str, template: str, pdf: bool = False) -> Ctx:
    pal = (PDF_FONTS if pdf else FAMILY_FONTS)[family]
    fonts = {role: rng.choice(keys) for role, keys in pal.items()}
    lay = Layout(rng, fonts, A4_W, A4_H, template=template, family=family)
    lay.meta = {"name": app.name, "unit_name": app.unit}
    m = rng.uniform(62, 92)
    return Ctx(rng, app, Cast(rng, app), lay, m, A4_W - m * rng.uniform(0.95, 1.05))


# ------------------------------------------------------------------------------ helpers
def title(c: Ctx, y: float, text: str, size: float | None = None, red: bool | None = None,
          spaced: bool | None = None, font: str = "title") -> float:
    """A centred title with its baseline at ``y``; returns the y below it."""
    sz = size or c.rng.uniform(18, 22)
    col = RED if (red if red is not None else c.rng.random() < 0.15) else BLACK
    sp = (spaced if spaced is not None else (len(text) <= 5 and c.rng.random() < 0.7))
    c.lay.text(c.cx, y, text, font=font, size=sz, color=col, align="center",
               spacing=sz * c.rng.uniform(0.5, 1.0) if sp else 0.0, bold=True)
    return y + sz * 1.9


def seal_size(c: Ctx) -> float:
    return c.rng.uniform(100, 122)


def stamp(c: Ctx, cx: float, cy: float, unit: str, center_text: str = "", shape: str = "round",
          size: float | None = None) -> None:
    c.lay.seal(cx, cy, size or seal_size(c), unit, own=(unit == c.app.unit), center_text=center_text,
               shape=shape)


def unit_date(c: Ctx, y: float, unit: str, date: str, size: float, seal: bool = True,
              suffix: str = "", center_text: str = "") -> float:
    """Unit name and date at the lower right, the unit's seal pressed over them."""
    x_right = c.R - c.rng.uniform(0, 30)
    u = unit + suffix
    wu = c.lay.measure(u, "body", size)
    wd = c.lay.measure(date, "body", size)
    xc = x_right - max(wu, wd) / 2
    c.lay.text(xc, y, u, size=size, align="center")
    c.lay.text(xc, y + size * 1.8, date, size=size, align="center")
    if seal:
        stamp(c, xc + c.rng.uniform(-25, 25), y + size * 0.5 + c.rng.uniform(-12, 12), unit, center_text)
    return y + size * 4


def label_value_line(c: Ctx, x: float, y: float, label: str, value, size: float,
                     underline: float = 0.0) -> float:
    """``label``value on one line (value may be a Tok); an underline under the value if asked.
    Returns the x after the value."""
    x0, x1 = c.lay.text(x, y, label, font="label", size=size)
    parts = value if isinstance(value, list) else [value]
    vx0, vx1 = c.lay.text(x1 + (4 if underline else 0), y, parts, size=size)
    if underline:
        c.lay.line(x1, y + size * 0.25, max(vx1 + 4, x1 + underline), y + size * 0.25, 0.5)
        return max(vx1 + 4, x1 + underline)
    return vx1


def signer_row(c: Ctx, y: float, pairs: list[tuple[str, Tok | str]], size: float) -> float:
    """``单位负责人：王某某　　经办人：李某某`` spread over the width."""
    n = len(pairs)
    step = c.W / n
    x_end = c.L
    for i, (lab, val) in enumerate(pairs):
        x = max(c.L + i * step, x_end + size * 2) if i else c.L
        need = c.lay.measure(lab, "label", size) + c.lay.measure(val.text if isinstance(val, Tok) else val,
                                                                  "body", size)
        if x + need > c.R and x > c.L:  # no room left on this line
            y += size * 2.2
            x = c.L
        x_end = label_value_line(c, x, y, lab, val, size)
    return y + size * 2.2


def fit_rows(c: Ctx, width: float, toks: list, size: float, base: float, pad: float = 3.0,
             leading: float = 1.3) -> list[float]:
    """Row heights for a column of ``width`` holding ``toks``: a wrapped name makes its row taller,
    as a word processor's table does."""
    out = []
    for t in toks:
        text = t.text if isinstance(t, Tok) else str(t)
        n = len(c.lay.wrap([text], width - 2 * pad, "body", size))
        out.append(max(base, (n - 1) * leading * size + 1.7 * size))
    return out


def keep_fitting(people: list, heights: list[float], avail: float) -> tuple[list, list[float]]:
    """The first rows that fit in ``avail`` points."""
    tot, k = 0.0, 0
    for h in heights:
        if tot + h > avail:
            break
        tot += h
        k += 1
    return people[:k], heights[:k]


def ymd(t: tuple[int, int, int]) -> str:
    return C.cn_date(*t)


def name_cell(c: Ctx, padded_share: float = 0.7) -> Tok:
    """The applicant in a 姓名 cell: two-character names are often padded there."""
    return c.cast.a(padded=len(c.app.name) == 2 and c.rng.random() < padded_share)


# ------------------------------------------------------------------------------ templates (main)
def title_cert(c: Ctx) -> None:
    """专业技术职务任职资格证书, the inner page of the booklet on a scanned A4."""
    r, a, lay = c.rng, c.app, c.lay
    x0, y0 = r.uniform(40, 70), r.uniform(40, 80)
    x1, y1 = A4_W - r.uniform(40, 70), y0 + r.uniform(430, 500)
    fill = r.choice([(250, 246, 232), (240, 246, 250), (246, 250, 242), (255, 255, 255)])
    lay.rect(x0, y0, x1, y1, fill=fill, outline=(120, 90, 40), width=2.2)
    lay.rect(x0 + 7, y0 + 7, x1 - 7, y1 - 7, outline=(150, 120, 60), width=0.8)
    hs = r.uniform(18, 22)
    lay.text((x0 + x1) / 2, y0 + 48, r.choice(["专业技术职务任职资格证书", "专业技术资格证书", "职称证书"]),
             font="title", size=hs, color=RED if r.random() < 0.5 else BLACK, align="center", bold=True)
    # photo at the left, fields at the right
    px0, py0 = x0 + 35, y0 + 85
    lay.photo(px0, py0, px0 + 75, py0 + 100)
    sz = r.uniform(11, 13)
    lay.text(x0 + 30, y1 - 40, f"证书编号：{C.cert_no(r, 'AKS' if r.random() < 0.5 else '')}", size=sz * 0.85)
    lay.text(x0 + 30, y1 - 40 + sz * 1.6, f"管理号：{r.randint(2018, 2023)}{r.randint(1000, 9999)}", size=sz * 0.85)
    fx = px0 + 120
    y = py0 + 10
    passed = (r.randint(a.start_year + 3, 2023), 12, r.randint(1, 28))
    rows = [("姓　　名：", name_cell(c, 0.4)), ("性　　别：", a.person.gender),
            ("出生年月：", f"{a.birth[0]}年{a.birth[1]}月"), ("工作单位：", a.unit),
            ("专　　业：", a.major), ("资格名称：", a.title),
            ("评审时间：", f"{passed[0]}年{passed[1]}月"),
            ("评审机构：", r.choice(["阿克苏地区工程系列水利专业中级职称评审委员会",
                                "阿克苏地区工程系列水利专业初级职称评审委员会",
                                "新疆维吾尔自治区工程系列水利专业高级职称评审委员会"]))]
    for lab, val in rows:
        lx0, lx1 = lay.text(fx, y, lab, font="label", size=sz)
        if isinstance(val, str) and lay.measure(val, "body", sz) > x1 - 20 - lx1:
            lay.para(lx1, y, x1 - 20 - lx1, [val], size=sz, leading=1.4, indent=0)
            y += sz * 1.4
        else:
            lay.text(lx1, y, val, size=sz)
        y += sz * 2.1
    y += sz
    parts = ["经", "评审委员会评审通过，", c.cast.a(), "同志具备", a.title, "专业技术职务任职资格。"] \
        if r.random() < 0.6 else ["经评审，该同志具备", a.title, "专业技术职务任职资格，特发此证。"]
    y = lay.para(x0 + 35, y, x1 - x0 - 70, parts, size=sz, indent=2, break_applicant=r.random() < 0.3)
    issuer = r.choice(C.HR_BUREAUS)
    d = (passed[0] + (1 if r.random() < 0.5 else 0), r.randint(1, 12), r.randint(1, 28))
    iy = max(y + sz, y1 - 95)
    xc = x1 - 140
    lay.text(xc, iy, "发证机关（盖章）", size=sz, align="center")
    isz = min(sz * 0.9, 220 / len(issuer))
    lay.text(xc, iy + sz * 1.8, issuer, size=isz, align="center")
    lay.text(xc, iy + sz * 3.6, ymd(d), size=sz, align="center")
    stamp(c, xc + r.uniform(-15, 15), iy + r.uniform(0, 25), issuer, r.choice(["", "人事专用章", "职称专用章"]))


def assessment(c: Ctx) -> None:
    """年度考核登记表: a ruled form with 姓名 cell, the applicant's summary and signatures."""
    r, a, lay = c.rng, c.app, c.lay
    year = r.randint(2020, 2023)
    y = title(c, 70, r.choice([f"{year}年度考核登记表", f"事业单位工作人员{year}年度考核登记表",
                               f"（{year}）年度考核登记表"]), size=r.uniform(17, 20), spaced=False)
    sz = r.choice([10.5, 11, 12])
    lay.text(c.L, y - 6, "单位：", size=sz, font="label")
    lay.text(c.L + sz * 3, y - 6, a.unit, size=sz)
    lay.text(c.R, y - 6, f"填表时间：{year + 1}年{r.randint(1, 2)}月", size=sz, align="right")
    W = c.W
    namew = r.choice([0.2, 0.17, 0.15]) * W  # narrow: long names wrap in it
    cw = [0.14 * W, namew, 0.11 * W, 0.12 * W, 0.15 * W]
    cw.append(W - sum(cw))
    nm = name_cell(c, 0.6)
    rh = [fit_rows(c, namew, [nm], sz, 30)[0], 30, 34, 34, 200, 110, 80, 70, 60]
    t = Table(lay, c.L, y, cw, rh, size=sz, font="body", outer_width=r.choice([0.6, 1.4]))
    t.cell(0, 0, "姓　名" if r.random() < 0.5 else "姓名")
    t.cell(0, 1, nm)
    t.cell(0, 2, "性别")
    t.cell(0, 3, a.person.gender)
    t.cell(0, 4, "出生年月")
    t.cell(0, 5, f"{a.birth[0]}.{a.birth[1]:02d}")
    t.cell(1, 0, "民族")
    t.cell(1, 1, a.person.ethnicity)
    t.cell(1, 2, "政治面貌")
    t.cell(1, 3, r.choice(["中共党员", "群众", "共青团员"]), size=sz * 0.9)
    t.cell(1, 4, "文化程度")
    t.cell(1, 5, r.choice(["大学本科", "大专", "研究生"]))
    t.cell(2, 0, "单位及职务", size=sz * 0.95)
    t.cell(2, 1, f"{a.unit}{a.department}", cs=3, size=sz * 0.95)
    t.cell(2, 4, "专业技术职务", size=sz * 0.9)
    t.cell(2, 5, a.title)
    t.cell(3, 0, "任现职时间", size=sz * 0.95)
    t.cell(3, 1, f"{a.start_year + r.randint(2, 6)}年{r.randint(1, 12)}月", cs=3)
    t.cell(3, 4, "从事专业")
    t.cell(3, 5, a.major, size=sz * 0.85)
    # personal summary with the applicant's signature
    t.cell(4, 0, "个\n人\n总\n结", leading=1.5)
    x0, y0, x1, y1 = t.rect(4, 1, 1, 5)
    t.cell(4, 1, "", cs=5)
    intro = [r.choice(["本人", "本人"]), c.cast.a() if r.random() < 0.5 else "",
             f"，{year}年在单位领导的关心和同事们的帮助下，认真履行岗位职责，"] + \
        ["；".join(C.work_sentences(r, 2)), "。全年无违法违纪行为，较好地完成了各项工作任务。"]
    lay.para(x0 + 6, y0 + sz * 1.6, x1 - x0 - 12, intro, size=sz, leading=1.55,
             break_applicant=r.random() < 0.3)
    lx = x1 - 190
    lay.text(lx, y1 - 28, "本人签字：", size=sz, font="label")
    lay.signature(lx + sz * 5 + 6, y1 - 26, a.name, sz * r.uniform(1.5, 1.9), own=True)
    lay.text(x1 - 8, y1 - 8, f"{year + 1}年{r.randint(1, 2)}月{r.randint(1, 28)}日", size=sz * 0.9, align="right")
    # leader's comment
    leader = c.cast.other()
    t.cell(5, 0, "主管领导评语和考核等次建议", size=sz * 0.9, leading=1.4)
    x0, y0, x1, y1 = t.rect(5, 1, 1, 5)
    t.cell(5, 1, "", cs=5)
    grade = r.choice(["优秀", "合格", "称职", "优秀"])
    cm = ["该同志工作积极主动，业务能力较强，", "能够按时完成各项工作任务，", f"建议考核等次为{grade}。"]
    lay.para(x0 + 6, y0 + sz * 1.6, x1 - x0 - 12, cm, size=sz, leading=1.5)
    lay.text(x1 - 190, y1 - 14, "签名：", size=sz, font="label")
    if r.random() < 0.6:
        lay.signature(x1 - 190 + sz * 3 + 6, y1 - 12, leader.text, sz * 1.6, own=False)
    else:
        lay.text(x1 - 190 + sz * 3 + 2, y1 - 14, [leader], size=sz)
    # unit head with own seal
    head = c.cast.other()
    t.cell(6, 0, "机关负责人意见", size=sz * 0.9, leading=1.4)
    x0, y0, x1, y1 = t.rect(6, 1, 1, 5)
    t.cell(6, 1, "", cs=5)
    lay.text(x0 + 8, y0 + sz * 1.8, r.choice(["同意。", "同意考核等次建议。"]), size=sz)
    lay.text(x0 + 8, y1 - 12, ["单位负责人：", head], size=sz)
    lay.text(x1 - 8, y1 - 12, f"{year + 1}年{r.randint(1, 3)}月{r.randint(1, 28)}日", size=sz * 0.9, align="right")
    stamp(c, x1 - 110 + r.uniform(-20, 20), (y0 + y1) / 2 + r.uniform(-10, 10), a.unit, size=r.uniform(95, 110))
    # result: the applicant's name again
    t.cell(7, 0, "考核结果", size=sz)
    x0, y0, x1, y1 = t.rect(7, 1, 1, 5)
    t.cell(7, 1, "", cs=5)
    lay.para(x0 + 6, y0 + sz * 1.7, x1 - x0 - 12,
             ["经单位考核委员会审核，", c.cast.a(), f"同志{year}年度考核等次为", grade, "。"],
             size=sz, indent=0, leading=1.5)
    t.cell(8, 0, "本人意见", size=sz)
    x0, y0, x1, y1 = t.rect(8, 1, 1, 5)
    t.cell(8, 1, "", cs=5)
    lay.text(x0 + 8, y0 + sz * 1.8, "同意。", size=sz)
    lay.text(x1 - 200, y1 - 12, "签名：", size=sz, font="label")
    lay.signature(x1 - 200 + sz * 3 + 6, y1 - 10, a.name, sz * 1.6, own=True)
    t.finish()
    lay.text(c.L, t.bottom + 20, "注：本表一式两份，一份存入本人档案，一份单位留存。", size=sz * 0.85)


def employment_proof(c: Ctx) -> None:
    """在职证明 / 工作证明: a paragraph 兹证明…同志, unit and date with its seal."""
    r, a, lay = c.rng, c.app, c.lay
    y = 80.0
    if r.random() < 0.3:  # letterhead in red
        lay.text(c.cx, y, a.unit, font="title", size=r.uniform(20, 24), color=RED, align="center", bold=True)
        lay.line(c.L - 10, y + 16, c.R + 10, y + 16, 1.8, RED)
        y += 60
    else:
        y += 20
    y = title(c, y, r.choice(["在职证明", "工作证明", "在职在岗证明", "证明"]), size=r.uniform(20, 24), red=False)
    sz = r.choice([14, 15, 16, 12])
    lead = r.uniform(1.6, 1.95)
    y += sz
    lay.text(c.L, y, r.choice(["阿克苏地区工程系列水利专业职称评审委员会：", "致：地区水利局组织人事科", "致相关单位："]),
             size=sz)
    y += sz * lead
    since = (a.start_year + r.randint(0, 4), r.choice([7, 7, 8, 9, 3]))
    ethnic = a.person.ethnicity
    p1 = [r.choice(["兹证明", "兹证明", "兹有", "兹证明我单位职工"]), c.cast.a(),
          f"同志，{a.person.gender}，{ethnic}，身份证号：{a.id_number}，",
          f"自{since[0]}年{since[1]}月起在我单位{a.department}工作至今，现任{a.title}，",
          r.choice(["属我单位在编在岗职工。", "劳动关系在我单位。", "一直从事水利工程技术工作。"])]
    y = lay.para(c.L, y, c.W, p1, size=sz, leading=lead, break_applicant=r.random() < 0.4)
    p2 = [c.cast.a(), "同志在我单位工作期间，", r.choice(["遵纪守法，爱岗敬业，", "政治立场坚定，工作认真负责，"]),
          "；".join(C.work_sentences(r, 1)), "，无违法违纪行为。"]
    if r.random() < 0.7:
        y = lay.para(c.L, y, c.W, p2, size=sz, leading=lead, break_applicant=r.random() < 0.3)
    y = lay.para(c.L, y, c.W, ["特此证明。"], size=sz, leading=lead)
    y += sz * 1.5
    head, clerk = c.cast.others(2)
    pairs = [("单位负责人：", head), ("经办人：", clerk if r.random() < 0.5 else (c.cast.trap() or clerk))]
    if r.random() < 0.5:
        pairs.append(("联系电话：", f"0997-{r.randint(2100000, 2999999)}"))
    y = signer_row(c, y, pairs, sz * 0.9)
    y += sz * 2
    d = C.rand_date(r, 2024, 2024)
    unit_date(c, y, a.unit, ymd((2024, r.randint(7, 8), d[2])), sz, suffix=r.choice(["", "（盖章）"]))


def cont_edu(c: Ctx) -> None:
    """继续教育证书 / 合格证书 with the course list and the training unit's seal."""
    r, a, lay = c.rng, c.app, c.lay
    x0, y0 = r.uniform(45, 70), r.uniform(50, 90)
    x1, y1 = A4_W - x0, y0 + r.uniform(520, 600)
    lay.rect(x0, y0, x1, y1, outline=(40, 80, 140), width=2.5)
    lay.rect(x0 + 6, y0 + 6, x1 - 6, y1 - 6, outline=(40, 80, 140), width=0.7)
    year = r.randint(2021, 2024)
    kind = r.choice(["公需科目", "专业科目"])
    lay.text((x0 + x1) / 2, y0 + 55, r.choice(["继续教育合格证书", "专业技术人员继续教育证书", "继续教育培训证书"]),
             font="title", size=r.uniform(20, 24), align="center", color=(30, 60, 130) if r.random() < 0.5 else BLACK,
             bold=True)
    sz = r.uniform(11.5, 13)
    y = y0 + 100
    fx = x0 + 40
    label_value_line(c, fx, y, "姓　　名：", name_cell(c, 0.5), sz, underline=120)
    label_value_line(c, (x0 + x1) / 2 + 10, y, "性别：", a.person.gender, sz, underline=40)
    y += sz * 2.2
    label_value_line(c, fx, y, "身份证号：", a.id_number, sz, underline=180)
    y += sz * 2.2
    label_value_line(c, fx, y, "工作单位：", a.unit, sz, underline=220)
    y += sz * 2.6
    hours = r.choice([30, 60, 90, 72, 48])
    body = [c.cast.a(), f"同志于{year}年参加专业技术人员继续教育{kind}学习，完成{hours}学时，",
            "经考核成绩合格，特发此证。"]
    y = lay.para(fx, y, x1 - x0 - 80, body, size=sz, leading=1.7, break_applicant=r.random() < 0.25)
    y += 6
    courses = r.sample(C.COURSES_PUBLIC if kind == "公需科目" else C.COURSES_PRO, 4)
    tw = x1 - x0 - 80
    t = Table(lay, fx, y, [tw * 0.12, tw * 0.58, tw * 0.15, tw * 0.15], [24] * 5, size=sz * 0.85)
    for j, h in enumerate(["序号", "课程名称", "学时", "成绩"]):
        t.cell(0, j, h)
    for i, cn in enumerate(courses, 1):
        t.cell(i, 0, str(i))
        t.cell(i, 1, cn, align="left")
        t.cell(i, 2, str(hours // 4 if hours >= 8 else 2))
        t.cell(i, 3, r.choice(["合格", "合格", "优秀", str(r.randint(75, 98))]))
    t.finish()
    y = t.bottom + 30
    issuer = r.choice(C.TRAINING_UNITS)
    lay.text(fx, y, f"证书编号：{C.cert_no(r, 'JXJY' if r.random() < 0.4 else '')}", size=sz * 0.85)
    lay.text(fx, y + sz * 1.8, "查询网址：www.xjzcsq.com", size=sz * 0.85)
    xc = x1 - 130
    ly = max(y + 20, y1 - 80)
    lay.text(xc, ly, issuer, size=min(sz * 0.9, 210 / len(issuer)), align="center")
    lay.text(xc, ly + sz * 1.8, ymd((year, r.randint(9, 12), r.randint(1, 28))), size=sz * 0.9, align="center")
    stamp(c, xc + r.uniform(-15, 15), ly + r.uniform(-15, 10), issuer, r.choice(["", "培训专用章", "专用章"]))


def paper_first(c: Ctx) -> None:
    """A journal paper's first page: authors line (作者：A，B，C or superscripted), affiliations,
    abstract, two-column body, the footnote with 作者简介."""
    r, a, lay = c.rng, c.app, c.lay
    j, issue = r.choice(C.JOURNALS)
    y0 = r.uniform(50, 60)
    year = r.randint(2019, 2024)
    iss = issue.format(v=r.randint(20, 40), n=r.randint(1, 12), y=year)
    lay.text(c.L, y0, j, size=9.5, font="label")
    lay.text(c.R, y0, iss, size=9.5, align="right")
    lay.line(c.L, y0 + 5, c.R, y0 + 5, 0.8)
    lay.line(c.L, y0 + 7.5, c.R, y0 + 7.5, 0.4)
    y = y0 + 50
    ptitle = r.choice(C.PAPER_TITLES).format(p=r.choice(C.PROJECTS).replace("工程", "", 1)[:12] + "工程")
    lay.text(c.cx, y, ptitle, font="title", size=r.uniform(16, 18), align="center", bold=True)
    y += 34
    # authors: applicant among co-authors, sometimes a trap co-author
    n_co = r.randint(1, 3)
    co = c.cast.others(n_co, uyghur_share=0.3)
    if r.random() < 0.6:
        tr = c.cast.trap()
        if tr:
            co.append(tr)
    authors = co[:]
    authors.insert(r.randint(0, len(co)), c.cast.a())
    style = r.choice(["sup", "plain", "label", "space"])
    asz = r.uniform(11.5, 13)
    units = [a.unit] + r.sample([u for u in C.OWN_UNITS + C.OTHER_UNITS if u != a.unit], 1)
    aff_of = [0 if t.is_applicant else r.randint(0, 1) for t in authors]
    if style == "sup":
        # measure, then draw centred piece by piece
        pieces = []
        for i, t in enumerate(authors):
            pieces.append((t, asz))
            pieces.append((str(aff_of[i] + 1), asz * 0.6))
            if i < len(authors) - 1:
                pieces.append(("，", asz))
        tw = sum(lay.measure(p.text if isinstance(p, Tok) else p, "body", s) for p, s in pieces)
        x = c.cx - tw / 2
        for p, s in pieces:
            dy = -asz * 0.45 if s < asz else 0
            _, x = lay.text(x, y + dy, p, size=s)
    else:
        sep = {"plain": "，", "label": "，", "space": "\u3000"}[style]
        parts = ["作者："] if style == "label" else []
        for i, t in enumerate(authors):
            parts.append(t)
            if i < len(authors) - 1:
                parts.append(sep if style != "plain" else r.choice(["，", "、"]))
        lay.text(c.cx, y, parts, size=asz, align="center")
    y += 24
    aff = "（" + "；".join(f"{i + 1}.{u}，新疆 阿克苏 843000" for i, u in enumerate(units)) + "）"
    y = lay.para(c.L + 20, y, c.W - 40, [aff], size=9.5, indent=0, leading=1.5)
    y += 6
    abs_txt = ("摘　要：" + r.choice(["针对", "结合"]) + r.choice(C.PROJECTS) + "建设实际，"
               "分析了工程建设与运行管理中存在的主要问题，从技术措施、管理制度和质量控制等方面提出了相应对策。"
               "实践表明，所提措施可有效提高工程质量和运行效率，可为同类工程提供参考。")
    y = lay.para(c.L + 20, y, c.W - 40, [abs_txt], size=9.5, indent=0, leading=1.55)
    y = lay.para(c.L + 20, y, c.W - 40, ["关键词：水利工程；质量控制；运行管理；干旱区"], size=9.5, indent=0, leading=1.55)
    lay.text(c.L + 20, y, f"中图分类号：TV{r.randint(51, 698)}　　文献标志码：B　　文章编号："
             f"{r.randint(1000, 9999)}-{r.randint(1000, 9999)}({year}){r.randint(1, 12):02d}-0{r.randint(10, 99)}-0{r.randint(2, 5)}",
             size=9)
    y += 26
    colw = (c.W - 18) / 2
    bsz = 10.5
    foot_y = A4_H - 95
    for col in range(2):
        xb = c.L + col * (colw + 18)
        yb = y
        if col == 0:
            lay.text(xb, yb, r.choice(["0　引言", "1　工程概况", "0　前言"]), font="label", size=bsz + 0.5)
            yb += bsz * 1.8
        while yb < foot_y - 60:
            yb = lay.para(xb, yb, colw, [C.paper_text(r, r.randint(2, 3))], size=bsz, indent=2, leading=1.6,
                          max_y=foot_y - 22)
            if yb < foot_y - 80 and r.random() < 0.3:
                lay.text(xb, yb, f"{r.randint(1, 3)}.{r.randint(1, 4)}　" +
                         r.choice(["工程布置", "质量控制措施", "运行管理现状", "存在的问题", "技术措施"]),
                         font="label", size=bsz + 0.5)
                yb += bsz * 1.8
    # footnote: 作者简介 names the applicant again
    lay.line(c.L, foot_y - 6, c.L + 120, foot_y - 6, 0.5)
    fs = 10.5  # names are set at 10.5 pt or more everywhere
    lay.text(c.L, foot_y + 6, f"收稿日期：{year}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}", size=fs)
    bio = ["作者简介：", c.cast.a(), f"（{a.birth[0]}—），{a.person.gender}，新疆{a.county}人，{a.title}，"
           f"{r.choice(['本科', '硕士'])}，主要从事{r.choice(['水利工程建设管理', '水资源管理', '灌区运行管理', '水土保持'])}工作。"]
    lay.para(c.L, foot_y + 6 + fs * 1.6, c.W, bio, size=fs, indent=0, leading=1.5)


def roster(c: Ctx) -> None:
    """人员名单: a table of many people with the applicant in one row, traps next to them."""
    r, a, lay = c.rng, c.app, c.lay
    year = r.randint(2020, 2024)
    ttl = r.choice([f"{year}年度阿克苏地区水利系统专业技术人员业务培训人员名单",
                    f"{year}年度职称评审推荐人员名单", f"{year}年防汛抢险技术骨干人员名单",
                    "阿克苏地区水利局专业技术人员花名册"])
    y = 70.0
    if r.random() < 0.5:
        lay.text(c.L, y, r.choice(["附件1", "附件2", "附件："]), size=12, font="label")
        y += 34
    tsz = r.uniform(15, 18)
    if lay.measure(ttl, "title", tsz) > c.W:
        tsz = c.W / len(ttl) * 0.98
    lay.text(c.cx, y, ttl, font="title", size=tsz, align="center", bold=True)
    y += 28
    sz = r.choice([10.5, 11, 12])
    n = r.randint(14, 22)
    people: list[Tok] = c.cast.others(n - 1, uyghur_share=0.4)
    traps = c.cast.traps()[:r.randint(1, 2)] if r.random() < 0.8 else []
    k = r.randint(0, min(len(people), 9))
    people.insert(k, c.cast.a())
    for t in traps:
        people.insert(min(len(people), max(0, k + r.choice([-1, 1, 2]))), t)
    if r.random() < 0.4:  # the table pads every two-character name
        sep = r.choice(["\u3000", " "])
        people = [c.cast.pad(p, sep) for p in people]
    W = c.W
    namew = r.choice([0.14, 0.17, 0.2])
    cols = [("序号", 0.08), ("姓名", namew), ("性别", 0.08), ("民族", 0.1), ("工作单位", 0.0),
            ("职称", 0.14), ("备注", 0.1)]
    fixed = sum(w for _, w in cols)
    cw = [(w if w else 1 - fixed) * W for _, w in cols]
    rowh = sz * r.uniform(2.0, 2.4)
    short = r.random() < 0.5  # 汉 / 维吾尔 rather than 汉族 / 维吾尔族

    def eth(p: Tok) -> str:
        e = a.person.ethnicity if p.is_applicant else (
            "维吾尔族" if any(d in p.text for d in "·•・.") else "汉族")
        return e[:-1] if short else e
    hs = [max(h1, h2) for h1, h2 in zip(fit_rows(c, cw[1], people, sz, rowh),
                                        fit_rows(c, cw[3], [eth(p) for p in people], sz, rowh))]
    people, hs = keep_fitting(people, hs, A4_H - 90 - y - rowh)
    t = Table(lay, c.L, y, cw, [rowh] + hs, size=sz)
    for j, (h, _) in enumerate(cols):
        t.cell(0, j, h, font="label")
    for i, p in enumerate(people, 1):
        t.cell(i, 0, str(i))
        t.cell(i, 1, p)
        t.cell(i, 2, a.person.gender if p.is_applicant else r.choice(["男", "女"]))
        t.cell(i, 3, eth(p))
        t.cell(i, 4, a.unit if p.is_applicant else r.choice(C.OWN_UNITS), size=sz * 0.9)
        t.cell(i, 5, a.title if p.is_applicant else r.choice(C.TITLES), size=sz * 0.95)
        t.cell(i, 6, "")
    t.finish()
    yb = t.bottom + 26
    if yb < A4_H - 40:
        maker, checker = c.cast.others(2)
        signer_row(c, yb, [("制表人：", maker), ("审核人：", checker), ("日期：", f"{year}年{r.randint(1, 12)}月")],
                   sz)


def id_card(c: Ctx) -> None:
    """居民身份证 photocopy, front and back (grey placeholder, never a photo)."""
    r, a, lay = c.rng, c.app, c.lay
    k = r.uniform(1.35, 1.75)  # enlargement of the 85.6 × 54 mm card
    cw, ch = 242.6 * k, 153.0 * k
    x0 = (A4_W - cw) / 2 + r.uniform(-30, 30)
    y0 = r.uniform(70, 120)
    card_fill = r.choice([(236, 238, 240), (228, 232, 236), (242, 242, 242), (232, 236, 230)])
    lay.rect(x0, y0, x0 + cw, y0 + ch, fill=card_fill, outline=(110, 110, 110), width=0.8, radius=10 * k)
    lab_col = (60, 90, 140) if r.random() < 0.6 else (70, 70, 70)
    ls, vs = 7.2 * k, 8.6 * k
    fx, fy = x0 + 16 * k, y0 + 28 * k
    lay.text(fx, fy, "姓　名" if r.random() < 0.5 else "姓 名", size=ls, font="label", color=lab_col)
    lay.text(fx + ls * 3.6, fy, [c.cast.a(dot="·")], size=vs * 1.05)
    fy += 19 * k
    lay.text(fx, fy, "性　别", size=ls, font="label", color=lab_col)
    lay.text(fx + ls * 3.6, fy, a.person.gender, size=vs)
    lay.text(fx + ls * 7.5, fy, "民　族", size=ls, font="label", color=lab_col)
    lay.text(fx + ls * 11, fy, a.person.ethnicity[:-1], size=vs)
    fy += 19 * k
    lay.text(fx, fy, "出　生", size=ls, font="label", color=lab_col)
    lay.text(fx + ls * 3.6, fy, f"{a.birth[0]}  年  {a.birth[1]}  月  {a.birth[2]}  日", size=vs)
    fy += 19 * k
    lay.text(fx, fy, "住　址", size=ls, font="label", color=lab_col)
    addr = f"新疆阿克苏地区{a.county}{r.choice(['解放路', '人民路', '英巴扎路', '新华西路', '塔北路', '文化路'])}" \
           f"{r.randint(1, 200)}号{r.randint(1, 30)}栋{r.randint(1, 6)}单元{r.randint(101, 602)}号"
    lay.para(fx + ls * 3.6, fy, cw * 0.66 - 16 * k - ls * 3.6 - 6 * k, [addr], size=vs, indent=0, leading=1.35)
    lay.text(fx, y0 + ch - 16 * k, "公民身份号码", size=ls, font="label", color=lab_col)
    lay.text(fx + ls * 7, y0 + ch - 16 * k, a.id_number, size=vs * 1.1, font="label")
    lay.photo(x0 + cw * 0.66, y0 + 18 * k, x0 + cw * 0.66 + 66 * k, y0 + 18 * k + 82 * k)
    # back side
    by0 = y0 + ch + r.uniform(40, 90)
    lay.rect(x0, by0, x0 + cw, by0 + ch, fill=card_fill, outline=(110, 110, 110), width=0.8, radius=10 * k)
    lay.text(x0 + cw * 0.6, by0 + 38 * k, "中华人民共和国", font="title", size=12 * k, align="center", bold=True)
    lay.text(x0 + cw * 0.6, by0 + 66 * k, "居民身份证", font="title", size=15 * k, align="center", bold=True,
             spacing=3 * k)
    lay.rect(x0 + 18 * k, by0 + 14 * k, x0 + 60 * k, by0 + 56 * k, outline=(150, 60, 60), width=1.2)  # emblem place
    lay.text(x0 + 24 * k, by0 + ch - 36 * k, "签发机关", size=ls, font="label", color=lab_col)
    lay.text(x0 + 24 * k + ls * 5, by0 + ch - 36 * k, f"阿克苏地区公安局{a.county if a.county != '阿克苏市' else ''}分局"
             if r.random() < 0.5 else f"{a.county}公安局", size=vs)
    yy = r.randint(2010, 2022)
    lay.text(x0 + 24 * k, by0 + ch - 18 * k, "有效期限", size=ls, font="label", color=lab_col)
    lay.text(x0 + 24 * k + ls * 5, by0 + ch - 18 * k,
             f"{yy}.{r.randint(1, 12):02d}.{r.randint(1, 28):02d}-{yy + 20}.{r.randint(1, 12):02d}.{r.randint(1, 28):02d}",
             size=vs)
    if r.random() < 0.6:
        lay.text(c.cx, by0 + ch + 50, r.choice(["此复印件仅供职称申报使用", "仅限职称评审使用，他用无效"]),
                 size=14, color=(120, 120, 120), align="center")


def commitment(c: Ctx) -> None:
    """个人承诺书 / 真实性保证书: the standard wording, 承诺人 printed and signed, the unit's
    guarantee with its seal and head's signature."""
    r, a, lay = c.rng, c.app, c.lay
    kind = r.choice(["promise", "guarantee"])
    y = 90.0
    if kind == "promise":
        y = title(c, y, r.choice(["个人承诺书", "承诺书", "申报人诚信承诺书"]), size=r.uniform(20, 22), red=False)
    else:
        y = title(c, y, "专业技术职务任职资格评审材料真实性保证书", size=r.uniform(16, 18), red=False)
    sz = r.choice([14, 15, 16, 13])
    lead = r.uniform(1.7, 2.0)
    y += sz * 0.5
    p0 = ["本人", c.cast.a(), f"，身份证号码：{a.id_number}，现工作单位：{a.unit}，",
          f"申报工程系列水利专业{a.applying}任职资格。"]
    y = lay.para(c.L, y, c.W, p0, size=sz, leading=lead, break_applicant=r.random() < 0.35)
    if kind == "promise":
        body = ("本人承诺以上填报的内容和提交的材料完全真实有效，且网上填报与送审报表内容完全一致。"
                "如申请人提交弄虚作假确认材料的，一经查实，不予受理确认申报或取消已确认的资格，"
                "并从申报年度下一年度起3年内，不得申报专业技术资格。")
    else:
        body = ("本人申报工程系列水利专业技术职务任职资格，所提供各种表格、相关证书、业绩成果、论文等材料真实可靠，"
                "并已如实填报任职以来所有奖惩情况。如有任何不实或隐瞒，按专业技术职务任职资格评审的有关规定接受处理。")
    y = lay.para(c.L, y, c.W, [body], size=sz, leading=lead)
    y += sz * 2
    xl = c.R - r.uniform(190, 240)
    lab = "承诺人：" if kind == "promise" else "申报人："
    if r.random() < 0.5:
        _, x1 = lay.text(xl, y, lab, size=sz, font="label")
        lay.text(x1, y, [c.cast.a()], size=sz)
        y += sz * 2.2
        _, x1 = lay.text(xl, y, "本人签字：", size=sz, font="label")
    else:
        _, x1 = lay.text(xl, y, lab.replace("：", "（签字）："), size=sz, font="label")
    lay.signature(x1 + 4, y + 2, a.name, sz * r.uniform(1.4, 1.8), own=True)
    y += sz * 2.2
    lay.text(xl, y, f"2024年{r.randint(7, 8)}月{r.randint(1, 28)}日", size=sz)
    y += sz * 3
    if kind == "guarantee" or r.random() < 0.5:
        g = ["兹保证", c.cast.a(), "同志确系本单位职工，所报材料审核属实。如有隐瞒，愿承担相应责任。"]
        y = lay.para(c.L, y, c.W, g, size=sz, leading=lead)
        y += sz
        lay.text(c.L + sz * 2, y, "单　位（盖印）：", size=sz, font="label")
        lay.text(c.L + sz * 10, y, a.unit, size=sz)
        stamp(c, c.L + sz * 10 + lay.measure(a.unit, "body", sz) / 2 + r.uniform(-20, 20), y + r.uniform(-10, 20), a.unit)
        y += sz * 2.4
        head = c.cast.other()
        _, x1 = lay.text(c.L + sz * 2, y, "负责人（签名）：", size=sz, font="label")
        lay.signature(x1 + 4, y + 2, head.text, sz * 1.6, own=False)
        y += sz * 2.4
        lay.text(c.L + sz * 2, y, f"2024年{r.randint(7, 8)}月{r.randint(1, 28)}日", size=sz)


MAIN = {
    "title_cert": title_cert, "assessment": assessment, "employment_proof": employment_proof,
    "cont_edu": cont_edu, "paper_first": paper_first, "roster": roster, "id_card": id_card,
    "commitment": commitment,
}


def _families() -> dict[str, dict[str, Callable[[Ctx], None]]]:
    from .templates_independent import INDEPENDENT
    return {"main": MAIN, "independent": INDEPENDENT}


FAMILIES = _families  # call: FAMILIES()["main"]
TEMPLATES = MAIN


def build_page(template: str, family: str, rng: random.Random, app: Applicant, pdf: bool = False) -> Layout:
    """Lay out one page of ``template`` for ``app``."""
    fn = FAMILIES()[family][template]
    c = new_ctx(rng, app, family, template, pdf)
    fn(c)
    return c.lay
