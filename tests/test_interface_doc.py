"""The Chinese interface document is generated from the contract and lists all of it."""

from pipelines.contract import ALL_FEEDS, DISTRICTS, REASON_ZH
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
    for code in REASON_ZH:
        assert f"`{code}`" in md
    html = html_path.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "<td>attendance_id</td>" not in html
    assert "<td>record_id</td>" in html and 'lang="zh-CN"' in html
