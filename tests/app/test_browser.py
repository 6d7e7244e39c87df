"""The app in a real browser: ``skillwatch app`` on the test warehouse, driven by Debian's
headless Chromium through Selenium. A city and a district user log in and open every page,
the public player opens without a login; any Streamlit error box or traceback fails.
Screenshots are saved under the test's tmp folder."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from app_helpers import PASSWORD

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("CI"):
        raise RuntimeError("CI needs chromium and chromedriver (.ci/run installs them)")
    pytest.skip(
        "Debian's chromium and chromium-driver are not installed "
        "(apt-get install chromium chromium-driver fonts-noto-cjk)",
        allow_module_level=True,
    )

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

PAGES = [
    "总览", "预警", "统计", "视频", "数据质量", "抽查", "继续教育 / 公益课程", "线上培训",
    "设备运维", "课件库", "服务台", "查询导出",
]  # fmt: skip
ERRORS = '[data-testid="stException"]'


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(app_wh):
    port = _free_port()
    env = {
        **os.environ,
        "SKILLWATCH_WAREHOUSE": str(app_wh.settings.warehouse),
        "SKILLWATCH_USERS": str(app_wh.users),
    }
    env.pop("SKILLWATCH_DUCKDB", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "app", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        raise AssertionError(f"the app did not start: {proc.stdout.read().decode()[-2000:]}")
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--window-size=1400,1000", "--lang=zh-CN"):  # fmt: skip
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def _settled(driver, timeout: float = 30) -> None:
    """Wait until the script run is over (no running indicator, the page has content)."""
    time.sleep(0.5)
    WebDriverWait(driver, timeout).until(
        lambda d: (
            not d.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]')
            and d.find_elements(By.CSS_SELECTOR, "h1")
        )
    )
    time.sleep(0.5)


def _assert_no_error(driver, what: str, shots: Path) -> None:
    shots.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(shots / f"{what.replace(' / ', '-')}.png"))
    boxes = driver.find_elements(By.CSS_SELECTOR, ERRORS)
    body = driver.find_element(By.TAG_NAME, "body").text
    assert not boxes, f"{what}: {boxes[0].text[:500]}"
    assert "Traceback" not in body, f"{what}: {body[:500]}"


def _title(driver) -> str:
    return driver.find_element(By.CSS_SELECTOR, "h1").text


def _login(driver, url: str, name: str) -> None:
    driver.get(url)
    wait = WebDriverWait(driver, 30)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, 'input[aria-label="用户名"]')))
    driver.find_element(By.CSS_SELECTOR, 'input[aria-label="用户名"]').send_keys(name)
    driver.find_element(By.CSS_SELECTOR, 'input[aria-label="密码"]').send_keys(PASSWORD)
    driver.find_element(By.XPATH, '//button[.//p[text()="登录"]]').click()
    wait.until(lambda d: d.find_elements(By.XPATH, '//h1[contains(., "总览")]'))
    _settled(driver)


def _open(driver, title: str) -> None:
    link = driver.find_element(
        By.XPATH, f'//*[@data-testid="stSidebarNav"]//a[.//span[@label="{title}"]]'
    )
    link.click()
    WebDriverWait(driver, 30).until(
        lambda d: d.find_elements(By.XPATH, f'//h1[contains(., "{title.split(" ")[0]}")]')
    )
    _settled(driver)


def _video_plays(driver) -> bool:
    """A <video> whose first frame decoded (Chromium can play the clip)."""
    return bool(
        driver.execute_script(
            "const v = document.querySelector('video');"
            "return v && v.readyState >= 2 && v.videoWidth > 0;"
        )
    )


def _play_a_session_video(driver, shots: Path) -> None:
    _open(driver, "视频")
    buttons = driver.find_elements(By.XPATH, '//button[.//p[text()="播放录像"]]')
    if not buttons:  # no session with frames in this warehouse
        return
    buttons[0].click()
    WebDriverWait(driver, 120).until(lambda d: d.find_elements(By.TAG_NAME, "video"))
    WebDriverWait(driver, 30).until(_video_plays)
    driver.execute_script("document.querySelector('video').scrollIntoView()")
    _assert_no_error(driver, "city-视频-录像", shots)


@pytest.mark.parametrize("who", ["city", "district"])
def test_every_page_opens_in_chromium(server, browser, app_wh, tmp_path, who):
    district = app_wh.districts[0]
    name = "city" if who == "city" else f"d{district}"
    _login(browser, server, name)
    for title in PAGES:
        _open(browser, title)
        _assert_no_error(browser, f"{who}-{title}", tmp_path / "screenshots")
        if who == "district":
            text = browser.find_element(By.TAG_NAME, "body").text
            others = [d for d in app_wh.districts if d != district]
            assert not [d for d in others if d in text], f"{title} shows another district"
    if who == "city":
        _play_a_session_video(browser, tmp_path / "screenshots")
    logout = browser.find_element(By.XPATH, '//button[.//p[text()="退出"]]')
    browser.execute_script("arguments[0].scrollIntoView(); arguments[0].click();", logout)
    WebDriverWait(browser, 30).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, 'input[aria-label="用户名"]')
    )


def test_public_player_opens_without_login(server, browser, app_wh, tmp_path):
    browser.get(f"{server}/public")
    WebDriverWait(browser, 30).until(
        lambda d: d.find_elements(By.XPATH, '//h1[contains(., "公益")]')
    )
    _settled(browser)
    _assert_no_error(browser, "public-player", tmp_path / "screenshots")
    nav = browser.find_element(By.CSS_SELECTOR, '[data-testid="stSidebarNav"]').text
    assert "预警" not in nav and "总览" not in nav
    if app_wh.sql("select count(*) from stats_public_courses_by_course").item() == 0:
        return  # a warehouse without public courses: nothing to play
    browser.find_element(By.XPATH, '//button[.//p[text()="开始观看"]]').click()
    WebDriverWait(browser, 60).until(_video_plays)
    _assert_no_error(browser, "public-player-playing", tmp_path / "screenshots")
