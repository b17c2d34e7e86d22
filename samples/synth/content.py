"""Text content for the generated pages: units, titles, dates, ID-like numbers, body sentences.

All of it is invented or generic wording of the kind these attachments carry (the wording of the
official templates follows the public 2024 Aksu notice). Units are public bodies of the Aksu
prefecture or invented companies.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from .names import Person, other_people, random_person, traps_for, written
from .layout import Tok

# the applicant's employer (their own seal must be masked)
OWN_UNITS = [
    "阿克苏地区水利局", "温宿县水利局", "库车市水利局", "阿克苏市水利局", "沙雅县水利局", "新和县水利局",
    "拜城县水利局", "乌什县水利局", "阿瓦提县水利局", "柯坪县水利局", "阿克苏地区水利水电勘察设计院",
    "阿克苏地区水利工程质量监督站", "阿克苏地区水土保持工作站", "温宿县水利工程管理站",
    "阿克苏地区防汛抗旱服务中心", "库车市灌溉管理站", "阿克苏新禾水利建设有限公司",
    "阿克苏润泽水利工程有限公司", "新疆天河水利水电工程有限公司", "阿瓦提县农村供水管理总站",
]
# issuers of certificates (other units' seals: keep visible)
HR_BUREAUS = ["新疆维吾尔自治区阿克苏地区人力资源和社会保障局", "阿克苏地区人力资源和社会保障局",
              "新疆维吾尔自治区人力资源和社会保障厅"]
TRAINING_UNITS = ["阿克苏地区专业技术人员继续教育基地", "新疆维吾尔自治区专业技术人员继续教育中心",
                  "阿克苏地区继续教育培训中心", "阿克苏职业技术学院继续教育学院", "新疆农业大学继续教育学院",
                  "塔里木大学继续教育学院"]
OTHER_UNITS = ["阿克苏地区水利局", "新疆维吾尔自治区水利厅", "阿克苏地区行政公署", "阿克苏地区水利学会",
               "新疆水利学会", "塔里木河流域阿克苏管理局", "阿克苏地区科学技术局", "阿克苏地区财政局"]
DEPARTMENTS = ["工程建设管理科", "水资源管理科", "农村水利科", "规划计划科", "防汛抗旱办公室", "河湖管理科",
               "水土保持科", "灌溉管理站", "办公室", "技术室", "质量安全科", "运行管理科"]
TITLES = ["助理工程师", "工程师", "高级工程师"]
NEXT_TITLE = {"助理工程师": "工程师", "工程师": "高级工程师", "高级工程师": "正高级工程师"}
MAJORS = ["水利水电工程", "农业水利工程", "水文与水资源工程", "水土保持", "水利工程管理", "给排水工程",
          "水利水电建筑工程", "水务工程"]
SECOND_MAJORS = ["规划设计与技术咨询", "工程建设", "生产运行与管理", "工程科学技术研究"]
COUNTIES = {"652901": "阿克苏市", "652922": "温宿县", "652902": "库车市", "652924": "沙雅县",
            "652925": "新和县", "652926": "拜城县", "652927": "乌什县", "652928": "阿瓦提县",
            "652929": "柯坪县"}
PROJECTS = [
    "阿克苏河灌区续建配套与节水改造工程", "温宿县托什干河防洪治理工程", "库车市农村饮水安全巩固提升工程",
    "新和县渭干河灌区高效节水灌溉项目", "沙雅县塔里木河干流堤防加固工程", "阿瓦提县农田水利标准化渠道建设项目",
    "拜城县克孜尔水库除险加固工程", "乌什县托什干河灌区渠系改造工程", "阿克苏地区地下水超采区综合治理项目",
    "柯坪县小型水库安全运行管理项目", "阿克苏市多浪渠防渗改建工程", "温宿县高标准农田建设水利配套工程",
]
JOURNALS = [("水利科技与经济", "第{v}卷 第{n}期"), ("中国水利", "{y}年第{n}期"), ("水利规划与设计", "{y}年第{n}期"),
            ("陕西水利", "{y}年第{n}期"), ("新疆水利", "{y}年第{n}期"), ("水利技术监督", "{y}年第{n}期"),
            ("中国水能及电气化", "{y}年第{n}期"), ("农业与技术", "第{v}卷 第{n}期")]
PAPER_TITLES = [
    "{p}施工质量控制要点分析", "浅谈{p}中的渠道防渗技术", "{p}运行管理存在的问题与对策",
    "干旱区灌区高效节水灌溉技术应用研究", "南疆地区农村供水工程水质保障措施探讨", "基于BIM的水利工程施工进度管理研究",
    "阿克苏河流域水资源优化配置分析", "新疆干旱区小型水库除险加固技术探讨", "混凝土防渗渠道冻胀破坏机理与防治",
    "塔里木河下游生态输水效果评价", "水利工程建设项目档案管理实践", "灌区信息化建设中的量测水技术应用",
]
HONOURS = ["先进工作者", "优秀共产党员", "防汛抗旱工作先进个人", "水利建设先进个人", "优秀专业技术人员",
           "民族团结进步模范个人", "河湖长制工作先进个人"]
COURSES_PUBLIC = ["习近平新时代中国特色社会主义思想专题", "铸牢中华民族共同体意识", "专业技术人员职业道德与诚信建设",
                  "数字经济与创新驱动发展", "全面依法治国专题", "专业技术人员心理健康与压力管理"]
COURSES_PRO = ["水利工程施工质量管理", "高效节水灌溉技术", "水资源管理与节约用水", "水利工程建设安全生产",
               "河湖长制与河湖管理", "水土保持方案编制", "水利工程概预算", "农村供水工程运行管理"]


@dataclass
class Applicant:
    """The applicant and everything about them that pages repeat."""

    person: Person
    unit: str
    department: str
    title: str
    applying: str
    major: str
    birth: tuple[int, int, int]
    id_number: str
    county: str
    start_year: int
    phone: str
    extra: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.person.name


def id_number(rng: random.Random, birth: tuple[int, int, int], male: bool) -> tuple[str, str]:
    code = rng.choice(list(COUNTIES))
    seq = rng.randrange(10, 99) * 10 + rng.choice([1, 3, 5, 7, 9] if male else [0, 2, 4, 6, 8])
    body = f"{code}{birth[0]:04d}{birth[1]:02d}{birth[2]:02d}{seq:03d}"
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    chk = "10X98765432"[sum(int(a) * b for a, b in zip(body, w)) % 11]
    return body + chk, COUNTIES[code]


def make_applicant(rng: random.Random, kind: str | None = None) -> Applicant:
    p = random_person(rng, kind)
    birth = (rng.randint(1970, 1998), rng.randint(1, 12), rng.randint(1, 28))
    idn, county = id_number(rng, birth, p.gender == "男")
    title = rng.choice(TITLES)
    return Applicant(
        person=p, unit=rng.choice(OWN_UNITS), department=rng.choice(DEPARTMENTS), title=title,
        applying=NEXT_TITLE[title], major=rng.choice(MAJORS), birth=birth, id_number=idn,
        county=county, start_year=min(2020, birth[0] + rng.randint(21, 25)),
        phone="1" + rng.choice(["3", "5", "8", "9"]) + "".join(str(rng.randint(0, 9)) for _ in range(9)),
    )


class Cast:
    """The people on one page: the applicant's tokens and other people's, traps included.
    Every call to :meth:`a` is a new occurrence of the applicant's name."""

    def __init__(self, rng: random.Random, app: Applicant, uyghur_share: float = 0.35):
        self.rng = rng
        self.app = app
        self.uyghur_share = uyghur_share
        self.used: set[str] = set()
        self.dot = rng.choice(["·"] * 6 + ["•", "・", "."])  # one writing per page, mostly

    def a(self, padded: bool = False, dot: str | None = None) -> Tok:
        """The applicant's name as this page writes it; ``padded`` puts an ideographic or plain
        space between the two characters of a two-character name (张　伟)."""
        t = written(self.app.name, self.rng, dot or self.dot)
        if padded and len(t) == 2:
            t = t[0] + self.rng.choice(["\u3000", "\u3000", " ", "  "]) + t[1]
            return Tok(t, "applicant", padded=True)
        return Tok(t, "applicant")

    def pad(self, tok: Tok, sep: str | None = None) -> Tok:
        """A two-character name written with a space in the middle (张　伟), as forms align
        names; longer names are returned as they are."""
        if len(tok.text) != 2:
            return tok
        t = tok.text[0] + (sep or self.rng.choice(["\u3000", "\u3000", " "])) + tok.text[1]
        return Tok(t, tok.role, tok.contains_applicant, tok.trap, padded=True)

    def others(self, n: int, uyghur_share: float | None = None) -> list[Tok]:
        names = other_people(self.rng, self.app.name, n,
                             self.uyghur_share if uyghur_share is None else uyghur_share, self.used)
        self.used.update(names)
        return [Tok(written(nm, self.rng, self.dot if self.rng.random() < 0.8 else None)) for nm in names]

    def other(self) -> Tok:
        return self.others(1)[0]

    def traps(self, n: int | None = None) -> list[Tok]:
        out = []
        for text, kind in traps_for(self.app.name, self.rng):
            if text in self.used:
                continue
            self.used.add(text)
            contains = kind != "contained"
            out.append(Tok(written(text, self.rng, self.dot), "other", contains_applicant=contains, trap=kind))
        self.rng.shuffle(out)
        return out if n is None else out[:n]

    def trap(self) -> Tok | None:
        t = self.traps(1)
        return t[0] if t else None


# --------------------------------------------------------------------------- small helpers
def cn_date(y: int, m: int, d: int) -> str:
    return f"{y}年{m}月{d}日"


_CN_DIGITS = "〇一二三四五六七八九"


def cn_year_upper(y: int) -> str:
    return "".join(_CN_DIGITS[int(c)] for c in str(y)) + "年"


def cn_date_upper(y: int, m: int, d: int) -> str:
    def num(n):
        if n < 10:
            return _CN_DIGITS[n]
        if n == 10:
            return "十"
        if n < 20:
            return "十" + _CN_DIGITS[n % 10]
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    return cn_year_upper(y) + num(m) + "月" + num(d) + "日"


def rand_date(rng: random.Random, y0: int = 2019, y1: int = 2024) -> tuple[int, int, int]:
    return rng.randint(y0, y1), rng.randint(1, 12), rng.randint(1, 28)


def cert_no(rng: random.Random, prefix: str = "") -> str:
    return prefix + "".join(str(rng.randint(0, 9)) for _ in range(rng.choice([10, 12, 14])))


def gender_of(tok_text: str, rng: random.Random) -> str:
    return rng.choice(["男", "女"])


WORK_SENTENCES = [
    "参与{p}的施工现场管理，负责工程质量检查、隐蔽工程验收和计量支付审核工作",
    "负责{p}的技术交底、施工放样和质量检测，及时解决施工中出现的技术问题",
    "承担{p}初步设计阶段的水文分析计算和工程量复核工作",
    "组织开展辖区内小型水库、骨干渠道的汛前检查和隐患排查，落实防汛责任制",
    "参与编制本单位年度用水计划和水资源论证报告，推进最严格水资源管理制度落实",
    "负责灌区量测水设施的运行维护和数据整编，配合完成灌溉水有效利用系数测算",
    "参与农村供水工程水质检测和运行管理，保障群众饮水安全",
    "配合完成河湖长制巡河、河道“清四乱”专项整治工作",
    "参与水利工程建设项目的招投标文件审查和合同管理工作",
    "负责工程档案资料的收集、整理和归档，完成竣工验收资料的编制",
    "指导基层水管站开展渠道清淤、闸门维修和冬季防冻工作",
    "参与高效节水灌溉项目的规划选址、管网布置和设备选型工作",
]


def work_sentences(rng: random.Random, n: int) -> list[str]:
    out = []
    for s in rng.sample(WORK_SENTENCES, n):
        out.append(s.format(p=rng.choice(PROJECTS)))
    return out


PAPER_SENTENCES = [
    "阿克苏地区地处塔里木盆地北缘，属典型的大陆性干旱气候，多年平均降水量不足80毫米，蒸发量却高达2000毫米以上",
    "农业灌溉用水占全区总用水量的90%以上，灌溉水有效利用系数仍低于全国平均水平",
    "渠道衬砌混凝土在冻融循环作用下易出现剥蚀、裂缝和隆起等病害，影响渠道输水能力和使用寿命",
    "工程采用预制混凝土板衬砌、土工膜防渗的复合结构，渠底铺设砂砾石换填层以削减冻胀量",
    "施工过程中严格执行“三检制”，对原材料、中间产品和单元工程质量进行全过程控制",
    "通过对灌区典型渠段的流量观测，渠系水利用系数由0.58提高到0.71，节水效果明显",
    "水库运行管理中应加强大坝安全监测，建立健全汛期值班、巡查和信息报送制度",
    "滴灌系统首部由过滤器、施肥罐、控制阀和量测设备组成，管网按轮灌组分区布置",
    "针对地下水超采问题，应统筹地表水与地下水联合调度，严格控制机电井取水总量",
    "项目实施后，新增和改善灌溉面积3.2万亩，年节水量约1200万立方米",
    "工程质量评定结果表明，单元工程合格率100%，优良率达到85%以上",
    "河道整治工程以堤防加固、护岸和疏浚为主，设计防洪标准为20年一遇",
    "信息化建设方面，在主要闸口安装了自动化量测水设施，实现了水量数据的实时采集和远程传输",
    "混凝土配合比应根据当地砂石料性能通过试验确定，并适当掺加引气剂以提高抗冻性能",
    "在工程建设管理中推行项目法人责任制、招标投标制、建设监理制和合同管理制",
    "基层水管单位技术力量薄弱、运行维护经费不足，是制约工程长效运行的主要因素",
]


def paper_text(rng: random.Random, n: int) -> str:
    return "。".join(rng.sample(PAPER_SENTENCES, min(n, len(PAPER_SENTENCES)))) + "。"
