"""SkillWatch analysts' app: the entry script (``skillwatch app`` runs it).

Routes with ``st.navigation``: without a login only 登录 and the public course player exist;
after one, the pages of the user's role. Every page reads through ``data.py``.

The pages live in ``views/``, not ``pages/``: Streamlit treats a ``pages/`` folder beside the
entry script as the old automatic multipage app, where a page's URL runs the page file alone,
without this script (and its login) — AppTest does exactly that on every rerun.
"""

from __future__ import annotations

import sys
from pathlib import Path

# streamlit puts this folder on sys.path, not the repository; the pages import apps.streamlit
REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import streamlit as st  # noqa: E402

from apps.streamlit import auth, data, ui  # noqa: E402

st.set_page_config(page_title="SkillWatch 技能培训监管", page_icon="📊", layout="wide")

HERE = Path(__file__).resolve().parent
PUBLIC = st.Page(HERE / "views" / "public_player.py", title="公益课程播放", url_path="public")
PAGES = [
    ("overview.py", "总览", "overview"),
    ("alerts.py", "预警", "alerts"),
    ("statistics.py", "统计", "statistics"),
    ("cameras.py", "视频", "cameras"),
    ("quality.py", "数据质量", "quality"),
    ("spotchecks.py", "抽查", "spotchecks"),
    ("elearning.py", "继续教育 / 公益课程", "elearning"),
    ("online.py", "线上培训", "online"),
    ("devices.py", "设备运维", "devices"),
    ("courseware.py", "课件库", "courseware"),
    ("servicedesk.py", "服务台", "servicedesk"),
    ("export.py", "查询导出", "export"),
]

user = auth.current_user()
if user is None:
    navigation = st.navigation(
        [st.Page(auth.login_page, title="登录", url_path="login", default=True), PUBLIC]
    )
else:
    pages = [
        st.Page(HERE / "views" / file, title=title, url_path=url, default=(i == 0))
        for i, (file, title, url) in enumerate(PAGES)
        if (HERE / "views" / file).exists()
    ]
    # who is logged in, and 退出, above every page (AppTest drops sidebar elements written by
    # the entry script on reruns, so they live in the main area)
    where = f" · {user.district_code} {data.district_name(user.district_code)}" if (
        user.district_code) else ""  # fmt: skip
    who, out = st.columns([6, 1], vertical_alignment="center")
    who.caption(f"用户 {user.name} · {ui.ROLE_LABELS[user.role]}{where}")
    if out.button("退出", key="logout"):
        auth.logout()
        st.rerun()
    navigation = st.navigation({"分析": pages, "公开": [PUBLIC]})
navigation.run()
