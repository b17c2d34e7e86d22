"""Invented person names for the page generator, and the traps built from an applicant's name.

Every name here is composed at random from pools of common surnames, given-name characters and
Uyghur name words; none is taken from a list of real people. Three pools:

- common Han names (2 and 3 characters), e.g. 张伟, 王建国;
- Han names with a rare character that OCR models tend to miss (喆 堃 燊 犇 彧 祎 昇 赟 玥 翀 …);
- Uyghur names transliterated into Chinese, given name · father's name, e.g. 古丽米拉·买买提,
  written with ``·`` mostly and sometimes ``•``, ``・`` or ``.``.

Traps are other people's names that contain the applicant's name (张伟 → 张伟华, 李张伟;
马建国 → 司马建国; 古丽米拉·买买提 → 古丽米拉·买买提江) or that the applicant's name contains
(张伟华 → 张伟). A masker must leave them visible.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

__all__ = [
    "SURNAMES", "COMPOUND_SURNAMES", "GIVEN_CHARS", "RARE_CHARS", "UYGHUR_MALE", "UYGHUR_FEMALE",
    "DOTS", "Person", "han_name", "rare_han_name", "uyghur_name", "random_person", "written",
    "normalize", "traps_for", "other_people",
]

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申耿关兰焦俞左柳")

#: compound surnames; the last character is itself a common surname, which makes the trap
#: 马建国 ⊂ 司马建国
COMPOUND_SURNAMES = ["欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "公孙", "夏侯", "慕容", "长孙"]

GIVEN_CHARS = list(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰辉建国红文斌鹏飞宇浩凯健俊峰亮林波宁"
    "海鑫晨欣婷雪琳晶颖慧佳嘉梅琴云凤春新志宏永成龙兵东荣昌德生福利忠立坤毅帆阳旭晓雨婧蕾萱泽"
    "博航铭睿哲轩然彤悦璐瑶倩薇琪源翔振庆祥瑞锋松涵蕊婉怡思雅楠琦梓子豪宏军金山水清河")

#: characters that are legal in names but rare enough that OCR models miss or confuse them
RARE_CHARS = list("喆堃燊犇彧祎昇赟玥翀淼焱垚昶暐祺珺旻璟骁懿昀晞琇骞頔颢珏翊瑄琰煜焜鋆湉沅淏濬犀骐璠蕤芃")

UYGHUR_MALE = [
    "艾合买提", "买买提", "买买提江", "艾力", "艾尔肯", "阿不都热依木", "阿布都拉", "吐尔逊", "努尔买买提",
    "亚森", "依明", "伊力哈木", "肉孜", "塔依尔", "热合曼", "艾山", "阿迪力", "买合木提", "依力亚尔",
    "吾斯曼", "卡德尔", "玉苏甫", "阿里木", "麦麦提敏", "米吉提", "帕尔哈提", "艾则孜", "库尔班",
    "斯拉木", "努尔艾力", "迪力夏提", "艾克拜尔", "吐逊江", "木合塔尔", "牙生", "吾买尔", "居来提",
    "阿布来提", "热扎克", "沙吾提", "托合提", "阿不力孜", "艾海提", "买吐送", "吐尔洪", "阿卜杜热西提",
    "依沙克", "司马义", "克然木", "阿不都克里木", "麦提尼亚孜", "图尔贡", "赛买提", "热西提",
]
UYGHUR_FEMALE = [
    "古丽米拉", "阿依古丽", "古丽娜尔", "热依拉", "阿依努尔", "迪丽努尔", "帕提古丽", "米娜瓦尔",
    "努尔古丽", "古再丽努尔", "阿依夏木", "祖丽胡玛尔", "玛依拉", "阿孜古丽", "热孜亚", "努尔尼萨",
    "海丽倩木", "古丽扎尔", "阿曼古丽", "巴哈古丽", "如克亚", "图尔荪阿依", "米热古丽", "孜巴古丽",
    "帕丽达", "苏比努尔", "吐尔逊古丽", "麦尔哈巴", "阿丽米热", "再努尔", "萨拉买提", "布阿依谢木",
    "阿依吐拉", "努尔比亚", "祖力皮亚", "古丽巴哈尔", "热娜古丽", "凯丽比努尔",
]
#: patronymic → a longer name word that starts with it (for the 古丽米拉·买买提 → …买买提江 trap)
_PATRONYMIC_EXTENSIONS = {
    "买买提": ["买买提江", "买买提依明", "买买提艾力"], "艾力": ["艾力江", "艾力克"], "吐尔逊": ["吐尔逊江"],
    "艾合买提": ["艾合买提江"], "卡德尔": ["卡德尔江"], "亚森": ["亚森江"], "热合曼": ["热合曼江"],
    "依明": ["依明江"], "肉孜": ["肉孜买买提", "肉孜江"], "阿布都拉": ["阿布都拉江"], "吾斯曼": ["吾斯曼江"],
    "艾山": ["艾山江"], "阿里木": ["阿里木江"], "牙生": ["牙生江"], "库尔班": ["库尔班江"],
    "艾尔肯": ["艾尔肯江"], "米吉提": ["米吉提江"], "托合提": ["托合提买买提"], "吐尔洪": ["吐尔洪江"],
    "斯拉木": ["斯拉木江"], "塔依尔": ["塔依尔江"], "热西提": ["热西提江"], "阿迪力": ["阿迪力江"],
}

#: the middle dot as people type it: U+00B7 mostly, sometimes a bullet, katakana middle dot or period
DOTS = ["·", "·", "·", "·", "·", "·", "•", "・", "."]
_DOT_SET = set("·•・.．-‧∙")


@dataclass
class Person:
    """A person on the page. ``name`` is canonical (Uyghur names with ``·``)."""

    name: str
    gender: str  # 男 / 女
    ethnicity: str  # 汉族, 维吾尔族, 回族 ...
    kind: str  # han, han_rare, uyghur
    extra: dict = field(default_factory=dict)

    @property
    def surname(self) -> str:
        if self.kind == "uyghur":
            return self.name.split("·")[0]
        return self.name[:2] if self.name[:2] in COMPOUND_SURNAMES else self.name[:1]


def han_name(rng: random.Random, length: int | None = None, surname: str | None = None) -> str:
    n = length or rng.choice([2, 3, 3, 3])
    s = surname or rng.choice(SURNAMES)
    given = "".join(rng.choice(GIVEN_CHARS) for _ in range(n - len(s) if len(s) > 1 else n - 1))
    if len(given) == 2 and given[0] == given[1] and rng.random() < 0.7:
        given = given[0] + rng.choice(GIVEN_CHARS)
    return s + given


def rare_han_name(rng: random.Random) -> str:
    s = rng.choice(SURNAMES)
    if rng.random() < 0.55:
        return s + rng.choice(RARE_CHARS)
    given = [rng.choice(GIVEN_CHARS), rng.choice(RARE_CHARS)]
    rng.shuffle(given)
    return s + "".join(given)


def uyghur_name(rng: random.Random, gender: str | None = None) -> tuple[str, str]:
    g = gender or rng.choice(["男", "女"])
    given = rng.choice(UYGHUR_MALE if g == "男" else UYGHUR_FEMALE)
    father = rng.choice([m for m in UYGHUR_MALE if m != given])
    return f"{given}·{father}", g


def random_person(rng: random.Random, kind: str | None = None) -> Person:
    """An invented applicant. ``kind``: han, han_rare, uyghur (None: 45 / 20 / 35 %); han2 / han3
    for a common Han name of that length."""
    k = kind or rng.choices(["han", "han_rare", "uyghur"], weights=[45, 20, 35])[0]
    if k in ("han2", "han3"):  # a common Han name of a given length
        return Person(han_name(rng, int(k[-1])), rng.choice(["男", "女"]), "汉族", "han")
    if k == "uyghur":
        name, g = uyghur_name(rng)
        return Person(name, g, "维吾尔族", k)
    name = rare_han_name(rng) if k == "han_rare" else han_name(rng, rng.choice([2, 2, 3, 3, 3]))
    return Person(name, rng.choice(["男", "女"]), rng.choice(["汉族"] * 8 + ["回族"]), k)


def written(name: str, rng: random.Random, dot: str | None = None) -> str:
    """The name as a document writes it: for Uyghur names, one of the dot look-alikes."""
    if "·" not in name:
        return name
    return name.replace("·", dot if dot is not None else rng.choice(DOTS))


def normalize(text: str) -> str:
    """Drop dot look-alikes and spaces, for comparing names the way a reader does."""
    return "".join(c for c in text if c not in _DOT_SET and not c.isspace())


def traps_for(name: str, rng: random.Random) -> list[tuple[str, str]]:
    """Other people's names that contain ``name`` or are contained in it: (text, kind), kind in
    suffix, prefix, compound, patronymic, contained."""
    out: list[tuple[str, str]] = []
    if "·" in name:
        given, father = name.split("·", 1)
        ext = _PATRONYMIC_EXTENSIONS.get(father, [father + "江"])
        out.append((f"{given}·{rng.choice(ext)}", "patronymic"))
        return out
    if len(name) == 2:
        out.append((name + rng.choice([c for c in GIVEN_CHARS if c != name[1]]), "suffix"))
        out.append((rng.choice([s for s in SURNAMES if s != name[0]]) + name, "prefix"))
    else:
        comp = [c for c in COMPOUND_SURNAMES if c.endswith(name[0])]
        if comp:
            out.append((rng.choice(comp) + name[1:], "compound"))
        out.append((name[:2], "contained"))
        if rng.random() < 0.4:
            out.append((name + rng.choice(GIVEN_CHARS), "suffix"))
    return out


def other_people(rng: random.Random, applicant: str, n: int, uyghur_share: float = 0.35,
                 avoid: set[str] | None = None) -> list[str]:
    """``n`` distinct invented names, none equal to, containing, or contained in the applicant's
    (ignoring dots), none repeated."""
    a = normalize(applicant)
    seen = set(avoid or ()) | {applicant}
    out: list[str] = []
    tries = 0
    while len(out) < n and tries < n * 50:
        tries += 1
        r = rng.random()
        if r < uyghur_share:
            nm = uyghur_name(rng)[0]
        elif r < uyghur_share + 0.08:
            nm = rare_han_name(rng)
        else:
            nm = han_name(rng)
        k = normalize(nm)
        if nm in seen or a in k or k in a or any(normalize(s) == k for s in seen):
            continue
        seen.add(nm)
        out.append(nm)
    return out
