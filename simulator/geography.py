"""Street names per district, for believable addresses."""

from __future__ import annotations

from pipelines.contract import DISTRICTS

ROADS: dict[str, tuple[str, ...]] = {
    "310101": ("南京东路", "西藏中路", "复兴中路"),
    "310104": ("漕溪北路", "肇嘉浜路", "宜山路"),
    "310105": ("延安西路", "天山路", "愚园路"),
    "310106": ("共和新路", "江宁路", "万航渡路"),
    "310107": ("曹杨路", "真北路", "武宁路"),
    "310109": ("四平路", "西江湾路", "大连西路"),
    "310110": ("国定路", "控江路", "黄兴路"),
    "310112": ("莘庄路", "沪闵路", "七莘路"),
    "310113": ("牡丹江路", "友谊路", "共康路"),
    "310114": ("城中路", "博乐路", "沪宜公路"),
    "310115": ("张杨路", "世纪大道", "川沙路"),
    "310116": ("卫零路", "龙胜路", "龙航路"),
    "310117": ("人民北路", "中山中路", "文诚路"),
    "310118": ("公园路", "城中东路", "华青路"),
    "310120": ("南桥路", "解放东路", "金海公路"),
    "310151": ("八一路", "东门路", "西门路"),
}

# relative size of each district's training market (Pudong largest, Chongming smallest)
WEIGHT: dict[str, float] = {
    "310101": 0.8, "310104": 1.1, "310105": 0.8, "310106": 1.0, "310107": 1.0,
    "310109": 0.8, "310110": 1.0, "310112": 1.4, "310113": 1.2, "310114": 1.0,
    "310115": 2.2, "310116": 0.6, "310117": 1.2, "310118": 0.8, "310120": 0.8,
    "310151": 0.4,
}  # fmt: skip


def address(district: str, road_index: int, number: int) -> str:
    roads = ROADS[district]
    return f"上海市{DISTRICTS[district]}{roads[road_index % len(roads)]}{number}号"


DISTRICTS_SHORT: dict[str, str] = {
    code: name.removesuffix("区") for code, name in DISTRICTS.items()
}
