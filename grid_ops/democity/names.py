"""Chinese place and person names for the demo district, drawn deterministically from pools."""

from __future__ import annotations

import numpy as np

CITY = "深圳市"
DISTRICT = "滨河区"
ADMIN_CODE = "440399"

STREET_NAMES = [
    "南湖街道",
    "东门街道",
    "桂园街道",
    "翠竹街道",
    "黄贝街道",
    "莲塘街道",
    "清水河街道",
    "笋岗街道",
]
COMMUNITY_ROOTS = list(
    [
        "文锦",
        "湖景",
        "长岭",
        "金稻",
        "渔邨",
        "罗芳",
        "新秀",
        "凤凰",
        "碧波",
        "鹿丹",
        "春风",
        "友谊",
        "红岭",
        "田心",
        "泥岗",
        "华丽",
        "松园",
        "布心",
        "翠达",
        "草埔",
        "清平",
        "仙湖",
        "大望",
        "梧桐",
        "东晓",
        "独树",
        "金湖",
        "太白",
        "水贝",
        "翠宁",
        "洪湖",
        "黄木",
        "桃园",
        "荔景",
        "螺岭",
        "新港",
        "晒布",
        "建设",
        "湖贝",
        "向西",
        "联城",
        "滨河",
        "金城",
        "宝岗",
        "银湖",
        "振兴",
        "和平",
        "南塘",
        "北斗",
        "星河",
        "青云",
        "紫荆",
        "玉兰",
        "海滨",
        "景田",
        "香蜜",
        "侨香",
        "莲花",
        "梅林",
        "福华",
        "岗厦",
        "皇岗",
        "石厦",
        "上沙",
        "下沙",
        "沙尾",
        "新洲",
        "福民",
        "益田",
        "园岭",
        "八卦",
        "通新",
        "华强",
        "荔村",
        "华富",
        "福田",
        "福山",
        "彩田",
    ]
)
ROAD_ROOTS = list(
    [
        "深南",
        "滨河",
        "红荔",
        "莲花",
        "笋岗",
        "泥岗",
        "北环",
        "彩田",
        "皇岗",
        "新洲",
        "益田",
        "福华",
        "金田",
        "福中",
        "振华",
        "华强",
        "燕南",
        "上步",
        "园岭",
        "红岭",
        "建设",
        "人民",
        "解放",
        "东门",
        "湖贝",
        "桂园",
        "宝安",
        "黄贝",
        "沿河",
        "爱国",
        "太宁",
        "翠竹",
        "布心",
        "东晓",
        "草埔",
        "清水",
        "文锦",
        "春风",
        "嘉宾",
        "和平",
        "梅园",
        "桃源",
        "荔枝",
        "香梅",
        "景田",
        "侨城",
        "竹子",
        "松坪",
        "兰亭",
        "银湖",
        "鹿丹",
        "洪湖",
        "新秀",
        "罗沙",
        "沙湾",
        "丽水",
        "金湖",
        "长岭",
        "望桐",
        "仙桐",
        "莲塘",
        "国威",
        "畔山",
        "鹏兴",
        "聚宝",
        "友谊",
        "田贝",
        "水贝",
        "湖景",
        "碧波",
        "凤凰",
        "北斗",
        "星河",
        "紫荆",
        "玉兰",
        "青云",
        "海滨",
        "香蜜",
        "梧桐",
        "大望",
        "独树",
        "东乐",
        "横岗",
        "龙岗",
        "宝岗",
        "华丽",
        "金稻",
        "田心",
        "新港",
        "晒布",
        "向西",
        "松园",
        "洪福",
        "泰然",
        "车公",
        "八卦",
        "安托",
        "天安",
        "皇庭",
        "福民",
        "石厦",
        "沙尾",
        "下沙",
        "上沙",
        "福强",
        "滨江",
        "金地",
        "招商",
        "蛇口",
        "南海",
        "创业",
        "科技",
        "高新",
        "学府",
        "大冲",
        "科苑",
        "白石",
        "沙河",
        "华侨",
        "世纪",
        "锦绣",
        "民俗",
        "欢乐",
    ]
)
ESTATE_SUFFIX = ["花园", "小区", "苑", "雅居", "新村", "家园", "公寓", "大厦"]
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤"
)
GIVEN_CHARS = list(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉宇浩凯健俊帆帅旭宁婷雪琳晨欣怡佳文斌志建国海燕梅"
)


def person_names(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` plausible Chinese personal names (surname + one or two given characters)."""
    surnames = rng.choice(SURNAMES, n)
    first = rng.choice(GIVEN_CHARS, n)
    second = rng.choice(GIVEN_CHARS, n)
    two = rng.random(n) < 0.6
    return [s + a + (b if t else "") for s, a, b, t in zip(surnames, first, second, two)]


def phone_numbers(rng: np.random.Generator, n: int) -> list[str]:
    """Mobile numbers in the 13x-19x ranges (fictional)."""
    prefix = rng.choice(["135", "136", "137", "138", "139", "150", "158", "186", "188", "199"], n)
    rest = rng.integers(0, 10**8, n)
    return [f"{p}{r:08d}" for p, r in zip(prefix, rest)]


def unique_names(rng: np.random.Generator, roots: list[str], n: int, suffix: str = "") -> list[str]:
    """``n`` distinct names from ``roots`` (with a numeral appended once the pool is used up)."""
    order = rng.permutation(len(roots))
    out = []
    for i in range(n):
        root = roots[order[i % len(roots)]]
        lap = i // len(roots)
        tag = "" if lap == 0 else ("东西南北中新" + "一二三四五六七八九")[lap - 1] if lap <= 15 else str(lap)
        out.append(root + tag + suffix)
    return out
