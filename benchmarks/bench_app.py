"""First view of every app page in a real browser: time from the sidebar click until the page
has finished its script run (its title shown, Streamlit's running indicator gone).

    .venv/bin/python benchmarks/bench_app.py --warehouse /path/to/published/warehouse \
        [--rounds 5] [--out benchmarks/RESULTS_app.md]

Starts ``skillwatch app`` on the warehouse with a throwaway users file holding one city
user, drives Debian's headless chromium (chromium + chromium-driver) with Selenium, logs in,
and opens every page once per round. Round 1 is each page's cold first view (empty caches
in a fresh server process); the p95 is over all rounds. Appends a section to the results.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from results_file import append_section  # benchmarks/ is the script's folder

REPO = Path(__file__).resolve().parents[1]
# sidebar title -> the README's screenshot name (docs/screenshots/page-NN-<name>.png)
SCREENSHOT_NAMES = {
    "总览": "overview", "预警": "alerts", "统计": "statistics", "视频": "cameras",
    "数据质量": "quality", "抽查": "spotchecks", "继续教育 / 公益课程": "elearning",
    "线上培训": "online", "设备运维": "devices", "课件库": "courseware", "服务台": "servicedesk",
    "查询导出": "export",
}  # fmt: skip
PAGES = tuple(SCREENSHOT_NAMES)
POLL_S = 0.02


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_app(warehouse: Path, users: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "SKILLWATCH_WAREHOUSE": str(warehouse), "SKILLWATCH_USERS": str(users)}
    proc = subprocess.Popen(
        [str(REPO / ".venv/bin/skillwatch"), "app", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("the app did not start within 90 s")


def _browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser")
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--window-size=1400,1000", "--lang=zh-CN"):  # fmt: skip
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)


def _done(driver, title: str) -> bool:
    """One script in the page (elements read one by one go stale while Streamlit rerenders)."""
    return bool(
        driver.execute_script(
            "const want = arguments[0];"
            "const heads = [...document.querySelectorAll('h1')].map(h => h.textContent);"
            "return heads.some(t => t.includes(want))"
            " && !document.querySelector('[data-testid=\"stStatusWidget\"]')"
            " && !document.querySelector('[data-testid=\"stSkeleton\"]');",
            title.split(" ")[0],
        )
    )


def _wait(driver, title: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _done(driver, title):
            return
        time.sleep(POLL_S)
    raise SystemExit(f"{title} did not finish within {timeout} s")


def _login(driver, url: str, name: str, password: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(url)
    deadline = time.monotonic() + 60
    while not driver.find_elements(By.CSS_SELECTOR, 'input[aria-label="用户名"]'):
        if time.monotonic() > deadline:
            raise SystemExit("no login form")
        time.sleep(0.2)
    driver.find_element(By.CSS_SELECTOR, 'input[aria-label="用户名"]').send_keys(name)
    driver.find_element(By.CSS_SELECTOR, 'input[aria-label="密码"]').send_keys(password)
    driver.find_element(By.XPATH, '//button[.//p[text()="登录"]]').click()
    _wait(driver, "总览")


# Where a slow view's time goes, seen from the browser: the main thread's long tasks (over
# 50 ms: script parsing, layout, Vega drawing) and the files fetched during the view (the
# frontend loads some element's code on its first use). Installed once after the login.
_OBSERVE_JS = """
performance.setResourceTimingBufferSize(100000);
window.__long = [];
new PerformanceObserver(l => window.__long.push(...l.getEntries().map(e => e.duration)))
    .observe({type: 'longtask', buffered: false});
"""
_MARK_JS = "window.__long = []; return performance.getEntriesByType('resource').length;"
_SINCE_JS = """
const r = performance.getEntriesByType('resource').slice(arguments[0]);
return [window.__long.reduce((a, b) => a + b, 0),
        r.filter(e => e.name.endsWith('.js')).map(e => e.name.split('/').pop())];
"""


@dataclass
class View:
    seconds: float
    long_tasks_s: float  # main-thread time in tasks over 50 ms during the view
    scripts: list[str]  # JavaScript files the frontend fetched during the view


def _open(driver, title: str) -> View:
    """From the click on the page's sidebar link until its run is over."""
    from selenium.webdriver.common.by import By

    link = driver.find_element(
        By.XPATH, f'//*[@data-testid="stSidebarNav"]//a[.//span[@label="{title}"]]'
    )
    mark = driver.execute_script(_MARK_JS)
    start = time.perf_counter()
    link.click()
    time.sleep(POLL_S)  # let the click reach the server before the first check
    _wait(driver, title)
    seconds = time.perf_counter() - start
    long_ms, scripts = driver.execute_script(_SINCE_JS, mark)
    return View(seconds, long_ms / 1000, scripts)


def _screenshots(driver, folder: Path) -> None:
    """Each page at full height (after its timed views, so caches are warm and the charts
    are drawn), named by its position in PAGES so the README's table stays stable."""
    folder.mkdir(parents=True, exist_ok=True)
    for n, page in enumerate(PAGES, start=1):
        _open(driver, page)
        time.sleep(1.0)  # let Vega draw its charts: the script run ends before they paint
        height = driver.execute_script(
            "const m = document.querySelector('[data-testid=\"stMain\"]')"
            " || document.body; return m.scrollHeight;"
        )
        driver.set_window_size(1400, max(1000, min(int(height) + 80, 3000)))
        time.sleep(0.3)
        driver.save_screenshot(str(folder / f"page-{n:02d}-{SCREENSHOT_NAMES[page]}.png"))
        driver.set_window_size(1400, 1000)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _describe(warehouse: Path) -> str:
    import duckdb

    con = duckdb.connect(str(warehouse / "skillwatch.duckdb"), read_only=True)
    try:
        counts = {
            t: con.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("fct_attendance", "fct_enrolments", "alerts", "fct_sessions")
        }
    finally:
        con.close()
    return ", ".join(f"{t} {n:,}" for t, n in counts.items())


def _slow_views(views: dict[str, list[View]], over_s: float = 1.0) -> list[str]:
    lines = []
    for page, seen in views.items():
        for i, v in enumerate(seen):
            if v.seconds <= over_s:
                continue
            fetched = ", ".join(sorted(v.scripts)[:4]) + (" …" if len(v.scripts) > 4 else "")
            lines.append(
                f"- {page}, round {i + 1}: {v.seconds:.2f} s; long tasks {v.long_tasks_s:.2f} s;"
                f" {len(v.scripts)} scripts fetched" + (f" ({fetched})" if v.scripts else "")
            )
    return lines or ["- none"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "RESULTS_app.md")
    parser.add_argument(
        "--screenshots", type=Path, default=None,
        help="also save each page as DIR/page-NN-<name>.png after the last round "
        "(docs/screenshots: the README's pictures)",
    )  # fmt: skip
    args = parser.parse_args()
    password = secrets.token_urlsafe(12)
    with tempfile.TemporaryDirectory(prefix="bench-app-") as tmp:
        users = Path(tmp) / "users.yaml"
        subprocess.run(
            [str(REPO / ".venv/bin/skillwatch"), "users", "add", "bench", "--role", "city"],
            input=password + "\n", text=True, check=True, capture_output=True,
            env={**os.environ, "SKILLWATCH_USERS": str(users),
                 "SKILLWATCH_WAREHOUSE": str(args.warehouse)},
        )  # fmt: skip
        proc, url = _start_app(args.warehouse, users)
        driver = _browser()
        views: dict[str, list[View]] = {p: [] for p in PAGES}
        try:
            _login(driver, url, "bench", password)
            driver.execute_script(_OBSERVE_JS)
            for r in range(args.rounds):
                for page in PAGES:
                    views[page].append(_open(driver, page))
                slowest = max(seen[-1].seconds for seen in views.values())
                print(f"round {r + 1}/{args.rounds}: slowest {slowest:.2f} s", flush=True)
            if args.screenshots:
                _screenshots(driver, args.screenshots)
        finally:
            driver.quit()
            proc.terminate()
            proc.wait(10)
    times = {page: [v.seconds for v in seen] for page, seen in views.items()}
    everything = [t for ts in times.values() for t in ts]
    lines = [
        f"\n## {dt.datetime.now():%Y-%m-%d %H:%M} · {platform.node()} · "
        f"{os.cpu_count()} cores · {args.rounds} rounds",
        "",
        f"Warehouse: `{args.warehouse}` ({_describe(args.warehouse)}). Headless chromium, "
        "1400×1000, one city user; the time is from the sidebar click until the page's "
        "title is shown and Streamlit's running indicator is gone.",
        "",
        "| page | first view (cold) | median | p95 |",
        "|---|---:|---:|---:|",
        *[
            f"| {p} | {ts[0]:.2f} s | {statistics.median(ts):.2f} s | {_p95(ts):.2f} s |"
            for p, ts in times.items()
        ],
        f"| **all pages** | {max(ts[0] for ts in times.values()):.2f} s (slowest) | "
        f"{statistics.median(everything):.2f} s | {_p95(everything):.2f} s |",
        "",
        "Views over 1 s, with the browser's main-thread long tasks (> 50 ms) during the view "
        "and the JavaScript files fetched for it:",
        "",
        *_slow_views(views),
        "",
    ]
    text = "\n".join(lines)
    print(text)
    append_section(
        args.out,
        "# App first view in a real browser (`benchmarks/bench_app.py`)\n\n"
        "Target (issue 15): first view of every page ≤ 1 s p95.\n",
        text,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
