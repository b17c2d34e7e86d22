"""Page templates, family ``independent``: layouts, wording and faces that the ``main`` family
does not use (AR PL UMing/UKai, WenQuanYi Micro Hei, Noto Sans Bold titles), for measuring a
method on pages it was not tuned on.

Templates: project completion list (项目完成人员名单), award certificate (获奖证书 / 荣誉证书),
appointment (聘书 / 聘任通知), work summary first page (专业技术工作总结), training sign-in
sheet with handwritten signatures (签到表), meeting minutes (会议纪要, 参会人员：…), the unit's
recommendation notice (推荐公示).
"""
from __future__ import annotations

from . import content as C
from .layout import A4_H, A4_W, Table, Tok
from .templates import RED, Ctx, fit_rows, keep_fitting, label_value_line, stamp, title, ymd

__all__ = ["INDEPENDENT"]

DARK = (35, 35, 35)


def _name_list(c: Ctx, n_others: int, traps: int, seps: list[str]) -> list:
    """Parts for ``A、B、NAME、C``: the applicant once, traps and others around them."""
    r = c.rng
    people: list[Tok] = c.cast.others(n_others, uyghur_share=0.4)
    tr = c.cast.traps()[:traps]
    k = r.randint(0, len(people))
    people.insert(k, c.cast.a())
    for t in tr:
        people.insert(min(len(people), k + r.choice([0, 1, 2])), t)
    sep = r.choice(seps)
    parts: list = []
    for i, p in enumerate(people):
        parts.append(p)
        if i < len(people) - 1:
            parts.append(sep)
    return parts


def project_completion(c: Ctx) -> None:
    """项目主要完成人员情况表: ranked table of contributors, project lead, own unit's seal."""
    r, a, lay = c.rng, c.app, c.lay
    proj = r.choice(C.PROJECTS)
    y = 78.0
    lay.text(c.L, y, r.choice(["附表3", "表4-2", ""]), size=11, font="label")
    y += 30
    ttl = r.choice(["项目主要完成人员情况表", "项目完成人员名单", "主要参建技术人员名单"])
    lay.text(c.cx, y, ttl, font="title", size=r.uniform(17, 20), align="center", bold=True)
    y += 30
    sz = r.choice([10.5, 11, 12])
    lay.text(c.L, y, "项目名称：", size=sz, font="label")
    lay.para(c.L + sz * 5, y, c.W - sz * 5, [proj], size=sz, indent=0, leading=1.4)
    y += sz * 2
    lay.text(c.L, y, f"完成时间：{r.randint(2016, 2022)}年{r.randint(1, 12)}月—{r.randint(2022, 2024)}年{r.randint(1, 12)}月",
             size=sz)
    y += sz * 1.4
    n = r.randint(5, 10)
    people = c.cast.others(n - 1, uyghur_share=0.4)
    k = r.randint(0, len(people))
    people.insert(k, c.cast.a())
    if r.random() < 0.6:
        t = c.cast.trap()
        if t:
            people.insert(min(len(people), k + 1), t)
    if r.random() < 0.4:
        sep = r.choice(["\u3000", " "])
        people = [c.cast.pad(p, sep) for p in people]
    W = c.W
    cw = [0.08 * W, 0.16 * W, 0.08 * W, 0.13 * W, 0.25 * W]
    cw.append(W - sum(cw))
    rh = [sz * 3] + fit_rows(c, cw[1], people, sz, sz * r.uniform(2.8, 3.4))
    t = Table(lay, c.L, y, cw, rh, size=sz, outer_width=1.2)
    for j, h in enumerate(["排名", "姓　名", "性别", "职称", "工作单位", "对成果的主要贡献"]):
        t.cell(0, j, h, font="label")
    for i, p in enumerate(people, 1):
        t.cell(i, 0, str(i))
        t.cell(i, 1, p)
        t.cell(i, 2, a.person.gender if p.is_applicant else r.choice(["男", "女"]))
        t.cell(i, 3, a.title if p.is_applicant else r.choice(C.TITLES), size=sz * 0.9)
        t.cell(i, 4, a.unit if p.is_applicant else r.choice(C.OWN_UNITS), size=sz * 0.9)
        t.cell(i, 5, r.choice(["技术负责", "施工管理", "质量检测", "测量放样", "资料整理", "设计复核", "现场监理",
                               "方案编制", "计量支付"]), size=sz * 0.9, align="left")
    t.finish()
    y = t.bottom + 34
    lead = people[0]
    lay.text(c.L, y, ["项目负责人（签字）："], size=sz, font="label")
    lay.signature(c.L + sz * 10 + 4, y + 2, a.name if lead.is_applicant else "".join(lead.text.split()), sz * 1.6,
                  own=lead.is_applicant, max_w=150)
    y += sz * 3
    lay.text(c.L, y, "项目承担单位（盖章）：", size=sz, font="label")
    lay.text(c.L + sz * 11, y, a.unit, size=sz)
    lay.text(c.R, y + sz * 2.5, ymd((r.randint(2022, 2024), r.randint(1, 12), r.randint(1, 28))), size=sz, align="right")
    stamp(c, c.L + sz * 11 + lay.measure(a.unit, "body", sz) / 2, y + r.uniform(-10, 15), a.unit)


def award_cert(c: Ctx) -> None:
    """荣誉证书 / 获奖证书: a framed certificate; issuer's seal (the own unit's when it issues)."""
    r, a, lay = c.rng, c.app, c.lay
    x0, y0 = r.uniform(36, 56), r.uniform(60, 110)
    x1, y1 = A4_W - x0, y0 + r.uniform(400, 470)
    gold = (176, 140, 60)
    lay.rect(x0, y0, x1, y1, fill=r.choice([(255, 252, 240), (255, 255, 255), (252, 245, 235)]), outline=RED, width=4)
    lay.rect(x0 + 9, y0 + 9, x1 - 9, y1 - 9, outline=gold, width=1.2)
    science = r.random() < 0.4
    ttl = "获 奖 证 书" if science else r.choice(["荣 誉 证 书", "荣誉证书"])
    lay.text((x0 + x1) / 2, y0 + 62, ttl, font="title", size=r.uniform(26, 32), color=RED, align="center", bold=True)
    sz = r.uniform(14, 16)
    y = y0 + 120
    issuer = a.unit if r.random() < 0.35 else r.choice(C.OTHER_UNITS)
    if issuer == a.unit and science:
        issuer = r.choice(C.OTHER_UNITS)
    year = r.randint(2018, 2023)
    tx, tw = x0 + 45, x1 - x0 - 90
    if science:
        parts = _name_list(c, r.randint(2, 5), r.choice([0, 1]), ["、", "，", "　"])
        y = lay.para(tx, y, tw, ["项目名称：", r.choice(C.PROJECTS)], size=sz, indent=0, leading=1.7)
        y = lay.para(tx, y, tw, ["获奖等级：", r.choice(["一等奖", "二等奖", "三等奖"])], size=sz, indent=0, leading=1.7)
        y = lay.para(tx, y, tw, ["获 奖 者："] + parts, size=sz, indent=0, leading=1.7,
                     break_applicant=r.random() < 0.25)
        y = lay.para(tx, y + sz * 0.5, tw, [f"为表彰在{year}年度水利科技工作中做出突出贡献者，特颁发此证书。"],
                     size=sz, indent=2, leading=1.7)
    else:
        lay.text(tx, y, [c.cast.a(), "　同志："], size=sz * 1.1)
        y += sz * 2.4
        honour = r.choice(C.HONOURS)
        y = lay.para(tx, y, tw, [f"在{year}年度{r.choice(['全地区水利工作', '防汛抗旱工作', '水利工程建设管理工作', '河湖长制工作'])}中"
                                 f"表现突出，成绩显著，被评为“{honour}”。"], size=sz, indent=2, leading=1.8)
        y = lay.para(tx, y, tw, ["特发此证，以资鼓励。"], size=sz, indent=2, leading=1.8)
    iy = max(y + sz * 2, y1 - 90)
    xc = x1 - 130
    isz = min(sz, 200 / len(issuer))
    lay.text(xc, iy, issuer, size=isz, align="center")
    lay.text(xc, iy + sz * 1.9, C.cn_date_upper(year + 1, r.randint(1, 3), r.randint(1, 28))
             if r.random() < 0.5 else ymd((year + 1, r.randint(1, 3), r.randint(1, 28))), size=sz * 0.9, align="center")
    stamp(c, xc + r.uniform(-10, 10), iy + r.uniform(-5, 20), issuer)
    lay.text(x0 + 30, y1 - 26, f"证书编号：{C.cert_no(r)}", size=9.5, color=DARK)


def appointment(c: Ctx) -> None:
    """聘书 (a card) or 聘任通知 (a red-headed notice listing several appointees)."""
    r, a, lay = c.rng, c.app, c.lay
    start = (r.randint(a.start_year + 2, 2022), 1, 1)
    end = (start[0] + 3, 12, 31)
    if r.random() < 0.5:
        x0, y0 = r.uniform(50, 80), r.uniform(70, 120)
        x1, y1 = A4_W - x0, y0 + r.uniform(380, 440)
        lay.rect(x0, y0, x1, y1, fill=(255, 250, 245), outline=RED, width=2.5)
        lay.text((x0 + x1) / 2, y0 + 70, "聘　书" if r.random() < 0.5 else "聘 任 书", font="title",
                 size=r.uniform(28, 34), color=RED, align="center", bold=True)
        sz = r.uniform(14, 16.0)
        y = y0 + 140
        body = ["兹聘任", c.cast.a(), f"同志为{a.unit}{a.title}，聘期自{ymd(start)}至{ymd(end)}。"]
        y = lay.para(x0 + 45, y, x1 - x0 - 90, body, size=sz, indent=2, leading=1.9,
                     break_applicant=r.random() < 0.35)
        iy = max(y + sz * 2, y1 - 90)
        xc = x1 - 120
        lay.text(xc, iy, a.unit, size=min(sz, 200 / len(a.unit)), align="center")
        lay.text(xc, iy + sz * 1.9, C.cn_date_upper(*start), size=sz * 0.9, align="center")
        stamp(c, xc + r.uniform(-10, 10), iy + r.uniform(-5, 15), a.unit)
        lay.text(x0 + 30, y1 - 24, f"聘字第{r.randint(2019, 2023)}{r.randint(10, 99)}号", size=10, color=DARK)
        return
    # a red-headed notice
    y = 70.0
    lay.text(c.cx, y, a.unit + "文件", font="title", size=r.uniform(24, 30), color=RED, align="center", bold=True,
             spacing=2)
    y += 34
    abbr = "阿地水" if "地区" in a.unit else a.unit[:2] + "水"
    lay.text(c.cx, y, f"{abbr}人字〔{start[0] - 1}〕{r.randint(3, 60)}号", size=13, align="center")
    lay.line(c.L - 8, y + 12, c.R + 8, y + 12, 2.0, RED)
    y += 56
    people = _name_list(c, r.randint(2, 6), r.choice([0, 1, 1]), ["、"])
    tsz = r.uniform(16, 19)
    if r.random() < 0.5:
        lay.text(c.cx, y, ["关于聘任", c.cast.a(), "等同志专业技术职务的通知"], font="title", size=tsz,
                 align="center", bold=True)
    else:
        lay.text(c.cx, y, "关于聘任专业技术职务的通知", font="title", size=tsz, align="center", bold=True)
    y += tsz * 2.2
    sz = r.choice([14, 15, 16])
    lead = r.uniform(1.7, 1.9)
    lay.text(c.L, y, "各科室、所属各单位：", size=sz)
    y += sz * lead
    y = lay.para(c.L, y, c.W, [f"根据专业技术职务评聘有关规定，经单位聘任委员会研究，决定聘任以下同志专业技术职务，"
                               f"聘期自{ymd(start)}至{ymd(end)}："], size=sz, leading=lead)
    for p in people:
        if not isinstance(p, Tok):
            continue
        t = a.title if p.is_applicant else r.choice(C.TITLES)
        _, xe = lay.text(c.L + sz * 2, y, [p], size=sz)
        lay.text(max(c.L + sz * 12, xe + sz * 2), y, t, size=sz)
        y += sz * lead
        if y > A4_H - 200:
            break
    y += sz
    xc = c.R - 100
    lay.text(xc, y, a.unit, size=sz, align="center")
    lay.text(xc, y + sz * 1.8, ymd((start[0] - 1, 12, r.randint(1, 28))), size=sz, align="center")
    stamp(c, xc, y + r.uniform(-5, 15), a.unit)


def work_summary(c: Ctx) -> None:
    """任现职以来专业技术工作总结, first page: header lines, first-person paragraphs with
    colleagues' names."""
    r, a, lay = c.rng, c.app, c.lay
    y = 90.0
    y = title(c, y, r.choice(["任现职以来专业技术工作总结", "专业技术工作总结", "个人业务工作总结"]),
              size=r.uniform(18, 21), red=False)
    sz = r.choice([12, 13, 14])
    lead = r.uniform(1.6, 1.85)
    if r.random() < 0.6:
        lay.text(c.cx, y - sz * 0.4, [f"{a.unit}　", c.cast.a()], size=sz, align="center")
        y += sz * 1.8
    else:
        xe = label_value_line(c, c.L, y, "申报人：", c.cast.a(), sz)
        label_value_line(c, max(c.L + c.W * 0.45, xe + sz * 2), y, "申报资格：", a.applying, sz)
        y += sz * 2.2
    birth = f"{a.birth[0]}年{a.birth[1]}月"
    school = r.choice(["新疆农业大学", "塔里木大学", "新疆大学", "石河子大学", "昌吉学院", "新疆水利水电学校"])
    p1 = ["本人", c.cast.a() if r.random() < 0.7 else "", f"，{a.person.gender}，{a.person.ethnicity}，{birth}出生，",
          f"{a.start_year}年毕业于{school}{a.major}专业，同年参加工作，现任{a.unit}{a.department}{a.title}。",
          "任现职以来，本人认真学习专业知识，积极参加继续教育，现将主要工作总结如下："]
    y = lay.para(c.L, y, c.W, p1, size=sz, leading=lead, break_applicant=r.random() < 0.4)
    lay.text(c.L + sz * 2, y, "一、思想政治方面", size=sz, font="label")
    y += sz * lead
    y = lay.para(c.L, y, c.W, ["坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实党的路线方针政策，"
                               "遵守职业道德，爱岗敬业，团结同事。"], size=sz, leading=lead)
    lay.text(c.L + sz * 2, y, "二、专业技术工作", size=sz, font="label")
    y += sz * lead
    lead_p, colleague = c.cast.others(2)
    tr = c.cast.trap() if r.random() < 0.6 else None
    p3 = [f"{r.randint(2019, 2022)}年起，在项目负责人", lead_p, "同志的带领下，",
          "；".join(C.work_sentences(r, 2)), "。"]
    y = lay.para(c.L, y, c.W, p3, size=sz, leading=lead, max_y=A4_H - 90)
    p4 = ["与同事", tr or colleague, "一起，", "；".join(C.work_sentences(r, 1)), "，",
          "该项目于", f"{r.randint(2021, 2024)}年通过竣工验收，工程质量评定为合格。"]
    y = lay.para(c.L, y, c.W, p4, size=sz, leading=lead, max_y=A4_H - 90)
    if y < A4_H - 120:
        y = lay.para(c.L, y, c.W, [C.paper_text(r, 2)], size=sz, leading=lead, max_y=A4_H - 90)
    lay.text(c.cx, A4_H - 45, "— 1 —", size=11, align="center")


def signin(c: Ctx) -> None:
    """培训签到表: printed names with handwritten signatures (the applicant signs their row)."""
    r, a, lay = c.rng, c.app, c.lay
    y = 72.0
    year = r.randint(2021, 2024)
    ttl = r.choice([f"{year}年度水利专业技术人员继续教育培训签到表", "业务培训班签到表", f"{year}年水利工程质量管理培训签到册"])
    tsz = min(r.uniform(16, 19), c.W / len(ttl))
    lay.text(c.cx, y, ttl, font="title", size=tsz, align="center", bold=True)
    y += 30
    sz = r.choice([10.5, 11, 12])
    lay.text(c.L, y, f"培训时间：{year}年{r.randint(3, 11)}月{r.randint(1, 25)}日", size=sz)
    lay.text(c.R, y, f"地点：{r.choice(['地区水利局三楼会议室', '阿克苏职业技术学院报告厅', '温宿县水利局会议室'])}",
             size=sz, align="right")
    y += sz * 1.2
    n = r.randint(12, 18)
    people = c.cast.others(n - 1, uyghur_share=0.4)
    k = r.randint(0, min(len(people), 9))
    people.insert(k, c.cast.a())
    if r.random() < 0.7:
        t = c.cast.trap()
        if t:
            people.insert(min(len(people), k + r.choice([1, 2])), t)
    W = c.W
    cw = [0.07 * W, 0.17 * W, 0.3 * W, 0.13 * W, 0.15 * W]
    cw.append(W - sum(cw))
    rowh = sz * r.uniform(2.4, 2.8)
    if r.random() < 0.4:
        sep = r.choice(["\u3000", " "])
        people = [c.cast.pad(p, sep) for p in people]
    people, hs = keep_fitting(people, fit_rows(c, cw[1], people, sz, rowh), A4_H - 70 - y - rowh)
    t = Table(lay, c.L, y, cw, [rowh] + hs, size=sz, outer_width=r.choice([0.6, 1.2]))
    for j, h in enumerate(["序号", "姓名", "工作单位", "职称", "联系电话", "签名"]):
        t.cell(0, j, h, font="label")
    for i, p in enumerate(people, 1):
        t.cell(i, 0, str(i))
        t.cell(i, 1, p)
        t.cell(i, 2, a.unit if p.is_applicant else r.choice(C.OWN_UNITS), size=sz * 0.9)
        t.cell(i, 3, a.title if p.is_applicant else r.choice(C.TITLES), size=sz * 0.9)
        t.cell(i, 4, a.phone if p.is_applicant else "1" + r.choice("3578") + "".join(str(r.randint(0, 9)) for _ in range(9)),
               size=sz * 0.9)
        x0, y0, x1, y1 = t.rect(i, 5)
        t.cell(i, 5, "")
        if p.is_applicant or r.random() < 0.85:
            name = a.name if p.is_applicant else "".join(p.text.split())
            lay.signature(x0 + r.uniform(4, 12), y1 - (y1 - y0) * 0.28, name, sz * r.uniform(1.3, 1.6),
                          own=p.is_applicant, max_w=x1 - x0 - 10)
    t.finish()


def minutes(c: Ctx) -> None:
    """会议纪要: 时间/地点/主持人/参会人员：A、B、NAME…/记录人, decisions naming the applicant."""
    r, a, lay = c.rng, c.app, c.lay
    y = 78.0
    if r.random() < 0.5:
        lay.text(c.cx, y, a.unit, font="title", size=r.uniform(20, 24), color=RED, align="center", bold=True)
        y += 36
        lay.text(c.cx, y, "会 议 纪 要", font="title", size=r.uniform(20, 24), color=RED, align="center", bold=True)
        y += 26
        lay.text(c.cx, y, f"〔{r.randint(2020, 2024)}〕第{r.randint(1, 30)}期", size=12, align="center")
        lay.line(c.L - 5, y + 10, c.R + 5, y + 10, 1.6, RED)
        y += 44
    else:
        y = title(c, y + 10, r.choice(["项目推进会会议纪要", "技术讨论会会议纪要", "专题会议纪要"]), size=r.uniform(18, 20))
    sz = r.choice([12, 13, 14])
    lead = r.uniform(1.6, 1.8)
    host, rec = c.cast.others(2)
    d = C.rand_date(r, 2021, 2024)
    rows = [("时　　间：", [f"{ymd(d)}上午10:00"]), ("地　　点：", [r.choice(["局三楼会议室", "项目部会议室", "202会议室"])]),
            ("主 持 人：", [host])]
    for lab, val in rows:
        lay.text(c.L, y, lab, size=sz, font="label")
        lay.text(c.L + sz * 5, y, val, size=sz)
        y += sz * lead
    lay.text(c.L, y, "参会人员：", size=sz, font="label")
    parts = _name_list(c, r.randint(4, 9), r.choice([0, 1, 1, 2]), ["、", "，", "　"])
    y = lay.para(c.L + sz * 5, y, c.W - sz * 5, parts, size=sz, indent=0, leading=lead,
                 break_applicant=r.random() < 0.35)
    lay.text(c.L, y, "记 录 人：", size=sz, font="label")
    lay.text(c.L + sz * 5, y, [rec], size=sz)
    y += sz * lead * 1.4
    lay.text(c.L, y, ["会议议定事项如下："], size=sz, font="label")
    y += sz * lead
    proj = r.choice(C.PROJECTS)
    items = [
        ["一、会议听取了", c.cast.a(), f"同志关于{proj}建设进展情况的汇报。", "会议认为，工程总体进展顺利，质量受控。"],
        ["二、", "；".join(C.work_sentences(r, 1)), "，由", c.cast.other(), "牵头负责，", f"{d[1] % 12 + 1}月底前完成。"],
        ["三、会议要求各参建单位加强安全生产管理，严格落实汛期值班制度，确保工程度汛安全。"],
    ]
    for it in items:
        if y > A4_H - 110:
            break
        y = lay.para(c.L, y, c.W, it, size=sz, leading=lead, max_y=A4_H - 90,
                     break_applicant=r.random() < 0.3)
    if y < A4_H - 100:
        lay.text(c.R, y + sz, f"{ymd(d)}", size=sz, align="right")


def publicity(c: Ctx) -> None:
    """推荐单位公示: the applicant's name in the title and body, head's signature, own seal."""
    r, a, lay = c.rng, c.app, c.lay
    y = 90.0
    tsz = r.uniform(16, 19)
    lay.text(c.cx, y, ["关于", c.cast.a(), f"同志申报{a.applying}任职资格的公示"], font="title", size=tsz,
             align="center", bold=True)
    y += tsz * 2.4
    sz = r.choice([13, 14, 15])
    lead = r.uniform(1.7, 1.9)
    y = lay.para(c.L, y, c.W, ["根据自治区、地区职称评审工作要求，现对", c.cast.a(),
                               f"同志申报工程系列水利专业{a.applying}任职资格进行公示。"], size=sz, leading=lead,
                 break_applicant=r.random() < 0.4)
    y = lay.para(c.L, y, c.W, ["基本信息：", c.cast.a() if r.random() < 0.5 else "该同志",
                               f"，{a.person.gender}，{a.person.ethnicity}，"
                               f"{r.choice(['中共党员', '群众'])}，身份证号：{a.id_number[:6]}********{a.id_number[-4:]}，"
                               f"现任{a.title}。"], size=sz, leading=lead)
    y = lay.para(c.L, y, c.W, ["业绩成果：", "；".join(C.work_sentences(r, 2)), "。"], size=sz, leading=lead)
    d0 = (2024, r.randint(7, 8), r.randint(1, 20))
    y = lay.para(c.L, y, c.W, [f"公示时间从{ymd(d0)}起至{ymd((d0[0], d0[1], d0[2] + 7))}止。"
                               "如对该同志的相关信息有异议，请电话或书面形式反映至单位办公室，"
                               f"监督电话：0997-{r.randint(2100000, 2999999)}。"], size=sz, leading=lead)
    y += sz * 2
    head = c.cast.other()
    xl = c.R - 230
    _, x1 = lay.text(xl, y, "单位负责人签字：", size=sz, font="label")
    lay.signature(x1 + 4, y + 2, head.text, sz * 1.6, own=False)
    y += sz * 2.6
    lay.text(xl, y, a.unit, size=sz)
    lay.text(xl, y + sz * 1.9, ymd(d0), size=sz)
    stamp(c, xl + lay.measure(a.unit, "body", sz) / 2 + r.uniform(-15, 15), y + r.uniform(-5, 15), a.unit)


INDEPENDENT = {
    "project_completion": project_completion, "award_cert": award_cert, "appointment": appointment,
    "work_summary": work_summary, "signin": signin, "minutes": minutes, "publicity": publicity,
}

