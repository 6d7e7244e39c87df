"""Reading delivery files: the fast quote-free CSV path agrees with the csv module."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.lib.readers import _read_csv_module, _read_unquoted_csv, read_csv_text, read_delivery

# fields without quotes or line breaks, some blank, some with spaces or Chinese text
field = st.text(alphabet=st.sampled_from(list("ab1 9-:/.签到张")), max_size=6)
line = st.lists(field, min_size=1, max_size=6).map(",".join)


@settings(max_examples=300, deadline=None)
@given(
    header=st.lists(st.sampled_from(["id", "name", "day", "x"]), min_size=1, max_size=5),
    body=st.lists(line, max_size=12),
    crlf=st.booleans(),
    final_newline=st.booleans(),
)
def test_quote_free_csv_reads_exactly_as_the_csv_module_does(header, body, crlf, final_newline):
    eol = "\r\n" if crlf else "\n"
    text = eol.join([",".join(header), *body]) + (eol if final_newline else "")
    fast, reference = _read_unquoted_csv(text), _read_csv_module(text)
    assert fast.headers == reference.headers
    assert fast.frame.equals(reference.frame)
    assert [(r.row_number, r.values, r.problem) for r in fast.broken] == [
        (r.row_number, r.values, r.problem) for r in reference.broken
    ]


def test_old_mac_line_ends_are_line_breaks():
    table = read_csv_text("id,name\r1,a\r2,b\r")
    assert table.frame["id"].to_list() == ["1", "2"]


def test_quoted_fields_keep_separators_and_line_breaks(tmp_path):
    path = tmp_path / "classes.csv"
    path.write_text('class_id,site_address\nC1,"徐汇区漕溪北路1号,3楼"\nC2,"第一行\n第二行"\nC3\n')
    table = read_delivery(path)
    assert table.frame["site_address"].to_list() == ["徐汇区漕溪北路1号,3楼", "第一行\n第二行"]
    assert [(r.row_number, r.problem) for r in table.broken] == [(3, "RAGGED_ROW")]
