"""Words around a name that tell whether the match is the applicant's whole name or a piece of a
longer one (张伟 inside 张伟华 or 李张伟), and whose name a label introduces.

Why lists: OCR drops spaces, so ``姓名张伟性别男`` arrives as one string; the only ways to see
where a name ends are geometry (gaps, cell edges) and the words that conventionally stand next to
names in these documents.
"""
from __future__ import annotations

#: words that may stand right before a name (the name follows a label or a verb)
LEFT_WORDS = sorted({
    "姓名", "名字", "申报人", "申请人", "作者", "著者", "译者", "主编", "编者", "完成人", "负责人", "承诺人",
    "本人", "兹有", "兹证明", "证明", "特此证明", "兹", "同志", "聘任", "聘请", "聘用", "任命", "授予", "推荐",
    "批准", "同意", "安排", "委派", "派", "由", "经", "请", "给", "对", "把", "将", "与", "及",
    "被", "是", "为", "即", "系", "我", "有", "让", "持证人", "获奖人", "获奖者", "学员", "员工", "职工", "教师",
    "工程师", "技术员", "参会人员", "参加人员", "人员", "成员", "组长", "组员", "主持人", "记录人", "签字",
    "签名", "签章", "确认", "填表人", "联系人", "经办人", "审核人", "审批人", "核对人", "项目负责人", "第一作者",
    "通讯作者", "指导教师", "导师", "学生", "先生", "女士", "老师", "单位", "乙方", "甲方", "受聘人", "被聘人",
    "考核对象", "被考核人", "考生", "证书持有人", "人", "名", "者",
    # a unit name right before a person's name (阿克苏地区水利局张伟)
    "的", "公司", "单位", "局", "站", "院", "所", "中心", "部", "处", "科", "队", "厂", "校", "会", "办",
}, key=len, reverse=True)

#: words that may stand right after a name
RIGHT_WORDS = sorted({
    "同志", "同学", "先生", "女士", "老师", "教授", "工程师", "高级工程师", "助理工程师", "技术员", "主任", "科长",
    "局长", "处长", "所长", "站长", "队长", "经理", "院长", "等", "的", "于", "在", "为", "是", "自", "从", "已",
    "现", "性别", "性別", "民族", "住址", "公民", "号码", "身份", "出生", "籍贯", "年龄", "工作", "参加", "担任", "任", "系",
    "同", "与", "及", "获", "被", "经", "因", "所", "负责", "主持", "参与", "完成", "撰写", "签字", "签名",
    "本人", "（签字）", "(签字)", "确认", "承诺", "在我", "在本", "属", "具有", "取得", "通过", "符合", "申报",
    "申请", "同意", "编号", "证件", "证号", "职称", "职务", "学历", "专业", "单位", "部门", "电话", "手机",
    "联系", "住址", "考核", "年度", "论文", "发表", "共", "第", "说", "将", "把", "对",
    "向", "给", "到", "去", "来", "也", "都", "还", "就", "又", "即", "均", "曾", "先后", "长期", "一直",
}, key=len, reverse=True)

#: labels that introduce someone other than the applicant (a signer, a checker)
OTHER_PERSON_LABELS = ("单位负责人", "负责人", "审核人", "审批人", "经办人", "核对人", "复核人", "主管领导",
                       "部门负责人", "法定代表人", "法人代表", "证明人", "审核", "审批", "领导签字", "局长",
                       "主任", "校长", "院长", "所长", "盖章", "考核组", "评审")

#: labels that introduce the applicant
OWN_LABELS = ("申报人", "申请人", "本人签字", "本人签名", "承诺人", "姓名", "被考核人", "考核对象", "持证人")


def left_ok(before: str) -> bool:
    """True when the text right before a match ends with a word that may precede a name."""
    return any(before.endswith(w) for w in LEFT_WORDS)


def right_ok(after: str) -> bool:
    """True when the text right after a match starts with a word that may follow a name."""
    return any(after.startswith(w) for w in RIGHT_WORDS)


def label_before(before: str, window: int = 8) -> str | None:
    """The nearest person label in the few characters before a match, if any."""
    tail = before[-window:]
    best = None
    best_pos = -1
    for lab in (*OTHER_PERSON_LABELS, *OWN_LABELS):
        p = tail.rfind(lab)
        if p >= 0 and p + len(lab) > best_pos:
            best, best_pos = lab, p + len(lab)
    return best


#: single-character surnames (the common ~300) and the first characters of compound surnames:
#: a Han character of these right before a match makes it likely a longer name (李张伟, 司马明华)
SURNAME_CHARS = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施"
    "文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷"
    "盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷"
    "晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆"
    "乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平"
    "计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿饶乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇"
    "公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由欧上东皇令长宇轩端夹拓呼延")

#: characters common in Uyghur transliterated names: one of these right before a dotted name's
#: first part makes it likely a longer given name (阿依古丽·买买提 contains 古丽·买买提)
UYGHUR_NAME_CHARS = set("阿依古丽米拉买提江艾合热木尔吐逊帕哈努克孜扎娜汗斯亚迪夏力然西尼热曼巴图克吾吉买麦尔比赛"
                        "甫沙玛塔伊布则再亚森丁苏莱姆吉娃莎哈德穆罕默德")


def surname_like(ch: str, dotted_name: bool) -> bool:
    """True when ``ch`` right before a match is likely the start of a longer name."""
    return ch in (UYGHUR_NAME_CHARS if dotted_name else SURNAME_CHARS)
