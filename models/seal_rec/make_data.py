"""Training strips for the seal-ring recogniser (``models/PP-OCRv6_rec_seal.onnx``).

Why: the stock PP-OCRv6 recogniser was trained on straight printed lines; an unwrapped ring is
curved glyphs, uneven pale ink with dropouts, print and star showing through. Most own stamps the
seal stage still misses are ones where it reads a worn character surely as another
(README, "Seals"). This makes the strips the seal reader itself gives the recogniser (same
detector, same unwrapping, every rendering and band of ``SealReader``), from generated pages whose
units are *invented* (``random_unit``): none of the benchmark's units is among them, so the model
cannot learn the benchmark's names, and the benchmark's seeds are not used.

Each strip is stored at the recogniser's input size as JPEG bytes with the stamp's ring text; the
text's start in the strip is not known (the strip starts at the ring's widest gap, sometimes a
character early or late), so training scores every cyclic piece of the text of about its length and
learns the likeliest (``train.py``).

    python models/seal_rec/make_data.py OUT.npz --pages 2000 --first-seed 7000000 [--workers 2]
"""
from __future__ import annotations

import argparse
import random
import sys
from multiprocessing import Pool
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from masker.seals.detect import detect_seals  # noqa: E402
from masker.seals.read import SealReader, strip_width  # noqa: E402
from masker.ocr.recognizer import REC_H, LineRecognizer  # noqa: E402
from samples.synth.seals import STRESS_OTHER, STRESS_OWN, STRESS_SIBLING, seal_test_page  # noqa: E402

PLACES = ["新疆维吾尔自治区", "新疆", "阿克苏地区", "阿克苏市", "温宿县", "库车市", "沙雅县", "新和县", "拜城县",
          "乌什县", "阿瓦提县", "柯坪县", "喀什地区", "喀什市", "疏附县", "莎车县", "叶城县", "和田地区", "和田市",
          "墨玉县", "伊犁哈萨克自治州", "伊宁市", "昌吉回族自治州", "昌吉市", "哈密市", "吐鲁番市", "乌鲁木齐市",
          "克拉玛依市", "塔城地区", "阿勒泰地区", "博尔塔拉蒙古自治州", "巴音郭楞蒙古自治州", "库尔勒市", "轮台县",
          "尉犁县", "若羌县", "且末县", "焉耆回族自治县", "和静县", "石河子市", "五家渠市", "阿拉尔市", "图木舒克市",
          "克孜勒苏柯尔克孜自治州", "阿图什市", "奎屯市", "博乐市", "精河县", "玛纳斯县", "呼图壁县", "米泉市"]
SECTORS = ["水利", "水务", "水利水电", "农业农村", "自然资源", "生态环境", "住房和城乡建设", "交通运输",
           "人力资源和社会保障", "财政", "林业和草原", "气象", "教育", "卫生健康", "水文", "灌溉", "供水",
           "防汛抗旱", "河湖", "水土保持", "发展和改革", "应急管理", "市场监督管理", "审计", "统计", "档案",
           "农村供水", "水资源", "城乡供水", "农机", "畜牧兽医", "文化体育广电和旅游", "科学技术", "工业和信息化"]
BODIES = ["局", "厅", "委员会", "管理站", "管理处", "管理总站", "管理中心", "服务中心", "监督站", "研究所",
          "勘察设计院", "规划设计院", "研究院", "技术推广站", "质量监督站", "工作站", "办公室", "学会", "协会"]
FIRM = ["有限公司", "有限责任公司", "工程有限公司", "建设有限公司", "建设工程有限公司", "咨询有限公司",
        "工程监理有限公司", "勘测设计有限公司", "水利水电工程有限公司", "集团有限公司", "股份有限公司"]
SCHOOL = ["大学", "学院", "职业技术学院", "师范学院", "大学继续教育学院", "职业学校", "党校", "广播电视大学"]
#: trades of the units that are not bodies of the state (factories, shops, co-operatives)
TRADES = ["厂", "机械厂", "汽车维修厂", "商店", "经营部", "门市部", "合作社", "供销合作社", "事务所", "律师事务所",
          "会计师事务所", "酒店", "宾馆", "医院", "卫生院", "诊所", "药店", "超市", "加油站", "农场", "牧场", "养殖场",
          "专业合作社", "印刷厂", "砖厂", "物流中心", "培训学校", "幼儿园", "中学", "小学", "村民委员会", "居民委员会"]
WORDS = ("华信达成泰安康源恒通瑞丰盛德宏鑫金天山昆仑绿洲胡杨雪莲博远建业中正昌隆永兴新禾河润泽汇鼎晟嘉诚"
         "东方西域丝路天池明珠长城海川宇志诚和谐春晖阳光星辰富民惠农百川江河湖泊清泉白杨红柳塔里木")


def _common_chars() -> str:
    """The 3,755 characters of GB 2312's first level (the commonly used ones)."""
    out = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return "".join(out)


COMMON = _common_chars()


def random_unit(rng: random.Random) -> str:
    """An invented unit name: a body of the state, a company, a school, a shop or factory with a
    trade name of common characters, or (one in six) common characters at random, so that the
    model learns to read rings, not a few names' characters (trained on this vocabulary alone, it
    lost characters it never saw: 汽, 修, 厂)."""
    place = rng.choice(PLACES)
    k = rng.random()
    if k < 0.17:
        return "".join(rng.choice(COMMON) for _ in range(rng.randint(5, 16)))
    if k < 0.42:
        trade = "".join(rng.choice(COMMON) for _ in range(rng.randint(2, 4)))
        name = (place if rng.random() < 0.6 else rng.choice(COMMON) + "县") + trade + rng.choice(TRADES + FIRM)
    elif k < 0.65:
        name = place + rng.choice(SECTORS) + rng.choice(BODIES)
    elif k < 0.85:
        trade = "".join(rng.choice(WORDS) for _ in range(2))
        name = (place if rng.random() < 0.7 else "") + trade + rng.choice(SECTORS + [""]) + rng.choice(FIRM)
    else:
        name = place.rstrip("县市") + rng.choice(SCHOOL) if rng.random() < 0.6 else rng.choice(PLACES[:3]) + rng.choice(SECTORS) + rng.choice(SCHOOL)
    return name if 4 <= len(name) <= 24 else name[-24:]


#: strips kept of each stamp's up to 12 (renderings x bands), drawn at random: more stamps, not
#: more views of the same one, for the same bytes (the data must travel to the GPU machine)
PER_STAMP = 2

BENCH_UNITS = set(STRESS_OWN) | set(STRESS_OTHER) | set(STRESS_SIBLING.values())


def invented_units(rng: random.Random, n: int) -> list[str]:
    """``n`` different ``random_unit`` names, none of them a benchmark's unit (which the
    composition can produce: 喀什 + 大学)."""
    units: list[str] = []
    while len(units) < n:
        u = random_unit(rng)
        if u not in BENCH_UNITS and u not in units:
            units.append(u)
    return units


def _iou(a, b) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    u = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / u if u > 0 else 0.0


def _strips(img: np.ndarray, cand) -> list[np.ndarray]:
    """Every strip ``SealReader`` may give the recogniser for this stamp (before resizing): each
    rendering in the fixed band (``read_ring``) and the second look's (``read_more``)."""
    r = SealReader(img, cand, None)
    return [r.strip(v)[0] for v in dict.fromkeys(r.order)] + [r.strip(v, band)[0] for v, band in r.more_keys()]


def _to_input(strip: np.ndarray) -> np.ndarray:
    """The strip at the size the recogniser reads it (``LineRecognizer.read`` with the seal
    reader's ``strip_width``)."""
    return cv2.resize(strip, (strip_width(LineRecognizer._width(strip, 1.0)), REC_H))


def page_samples(seed: int, per_stamp: int = PER_STAMP) -> list[tuple[bytes, str, str]]:
    rng = random.Random(seed)
    units = invented_units(rng, 4)
    page, gt = seal_test_page(seed, units[0], units[1:], n_own=1, n_other=rng.choice([1, 2]))
    img = cv2.cvtColor(np.asarray(page), cv2.COLOR_RGB2BGR)
    out = []
    for cand in detect_seals(img)[:6]:
        best = max(gt["seals"], key=lambda s: _iou(cand.box, s["box"]), default=None)
        if best is None or _iou(cand.box, best["box"]) < 0.5 or best["cut"]:
            continue
        try:
            strips = _strips(img, cand)
        except Exception:  # a stamp the reader cannot lay out: not a training sample
            continue
        strips = [s for s in strips if s.size]
        for s in rng.sample(strips, min(per_stamp, len(strips))):
            x = _to_input(s)
            if np.abs(x[..., 0].astype(int) - x[..., 2]).max() <= 2:  # a grey rendering: one channel
                x = x[..., 0]
            ok, buf = cv2.imencode(".jpg", x, [cv2.IMWRITE_JPEG_QUALITY, 80])
            if ok:
                out.append((buf.tobytes(), best["text"], best["shape"]))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--first-seed", type=int, default=7_000_000)
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args(argv)
    seeds = range(a.first_seed, a.first_seed + a.pages)
    with Pool(a.workers) as pool:
        rows = [x for got in pool.imap(page_samples, seeds, chunksize=4) for x in got]
    jpegs = np.empty(len(rows), dtype=object)
    jpegs[:] = [r[0] for r in rows]
    np.savez(a.out, jpeg=jpegs, text=np.array([r[1] for r in rows]), shape=np.array([r[2] for r in rows]))
    size = sum(len(r[0]) for r in rows)
    print(f"{len(rows)} strips from {a.pages} pages, {size / 1e6:.1f} MB of JPEG")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
