"""The Chinese interface document is generated from the contract and lists all of it."""

from pipelines.contract import ALL_FEEDS, DISTRICTS, REASON_ZH, SEVERITY_ZH, severity_of
from pipelines.docs import interface


def test_interface_document_lists_every_feed_column_district_and_reason(tmp_path):
    md_path, html_path = interface.write(tmp_path)
    md = md_path.read_text(encoding="utf-8")
    for name, feed in ALL_FEEDS.items():
        assert f"## {feed.zh}(`{name}`)" in md
        for column in feed.columns:
            assert f"| `{column.name}` | {column.zh} |" in md
    for code, district in DISTRICTS.items():
        assert f"| {code} | {district} |" in md
    for code, zh in REASON_ZH.items():
        assert f"| `{code}` | {zh} | {SEVERITY_ZH[severity_of(code)]} |" in md
    assert "| `BAD_PHONE` | 手机号码格式错误 | 提示 |" in md
    assert "| `MISSING_REFERENCE` | 引用的记录不存在 | 待补 |" in md
    html = html_path.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "<td>attendance_id</td>" not in html
    assert "<td>record_id</td>" in html and 'lang="zh-CN"' in html


def test_heartbeats_show_their_composite_key_and_their_real_folder():
    md = interface.render_markdown()
    section = md.split("(`heartbeats`)", 1)[1].split("\n## ", 1)[0]
    assert "报送目录:`<落地目录>/heartbeats/`" in section and "elearning" not in section
    assert "主键:`camera_id` + `ts`(组合主键" in section
    # neither column is unique on its own: a camera sends a heartbeat every five minutes
    assert "主键,同一文件内不得重复" not in section
    assert "| `camera_id` | 摄像机编号 |" in section and "与 ts 一起" in section
    for name, feed in ALL_FEEDS.items():
        body = md.split(f"(`{name}`)", 1)[1].split("\n## ", 1)[0]
        assert "主键:" + " + ".join(f"`{k}`" for k in feed.keys) in body, name
        if feed.source == "district":
            assert f"`<落地目录>/<区代码>/{feed.landing_folder}/`" in body
