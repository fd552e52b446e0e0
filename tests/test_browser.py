"""The app in a real browser: headless Chromium drives `streamlit run`.

Needs Debian's chromium (`apt-get install chromium`) and Playwright's Python
package; Playwright never downloads a browser of its own here. Without a browser
these tests skip, except under CI, where they fail.
"""

import os
import re
import shutil
import time

import pytest
from app_server import ARTIFACTS, CHROMIUM_FLAGS, LOSS_POINTS, serve_app

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        message = "Debian's chromium is not installed: apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def server():
    with serve_app("server.log") as served:
        yield served


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def _click_until(page, key: str, selector: str, tries: int = 3) -> None:
    # A click that lands while the live view swaps its elements can be lost: try
    # again while the button is still there to press.
    for _ in range(tries):
        button = page.locator(f".st-key-{key} button")
        if button.is_enabled():
            button.click()
        try:
            page.wait_for_selector(selector, timeout=5_000)
            return
        except Exception:
            continue
    raise AssertionError(f"pressing {key} never led to {selector}")


def _epoch(page) -> int:
    text = page.locator("text=/Epoch [0-9,]+ \\//").first.inner_text()
    return int(re.search(r"Epoch ([0-9,]+)", text).group(1).replace(",", ""))


def test_browser_trains_pauses_and_logs_no_traceback(server, browser):
    url, log_path = server
    page = browser.new_page(viewport={"width": 1600, "height": 1300})
    page.goto(url)

    # First load, before any click: the data and the untrained model are drawn.
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    page.wait_for_function(f"({LOSS_POINTS})() >= 1", timeout=30_000)
    assert page.locator(".js-plotly-plot").count() >= 4
    assert _epoch(page) == 0

    # A long run, so that there is time to watch it and pause it.
    epochs = page.locator(".st-key-epochs input")
    epochs.fill("5000")
    epochs.press("Enter")
    page.wait_for_selector("text=/Epoch 0 \\/ 5,000/", timeout=30_000)
    # Batches of 4: slow enough epochs that the run is still going when paused.
    thumb = page.locator(".st-key-batch_size input[type=range]")
    thumb.focus()
    thumb.press("ArrowRight")
    thumb.press("ArrowRight")
    page.wait_for_selector(".st-key-batch_size >> text=4", timeout=30_000)

    # Train: the loss chart grows while the page redraws.
    page.locator(".st-key-train button").click()
    page.wait_for_function(f"({LOSS_POINTS})() > 20", timeout=30_000)
    first = _epoch(page)
    # The status line redraws once a second; on a busy machine, allow it longer.
    deadline = time.time() + 10
    while _epoch(page) <= first and time.time() < deadline:
        time.sleep(0.25)
    assert _epoch(page) > first
    page.screenshot(path=str(ARTIFACTS / "training.png"), full_page=True)

    # Pause: the epoch counter stops.
    _click_until(page, "pause", ".st-key-resume button:not([disabled])")
    time.sleep(0.5)
    paused = _epoch(page)
    time.sleep(1.5)
    assert _epoch(page) == paused
    assert page.evaluate(LOSS_POINTS) == paused + 1
    page.screenshot(path=str(ARTIFACTS / "paused.png"), full_page=True)

    log = log_path.read_text()
    assert "Traceback" not in log, log


def _chart_titles(page) -> list[str]:
    return page.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')].map(
            p => (p.layout && p.layout.title && p.layout.title.text) || '')"""
    )


def test_browser_compares_two_runs_and_replays_history(server, browser):
    url, log_path = server
    page = browser.new_page(viewport={"width": 1600, "height": 4000})
    page.goto(url)
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)

    # The preset trains A (regression), pins it, then trains B (classification).
    page.locator(".st-key-compare_regression_vs_classification button").first.click()
    page.wait_for_function(
        """() => [...document.querySelectorAll('.js-plotly-plot')].some(
            p => p.layout && p.layout.title && p.layout.title.text === 'loss, A and B'
            && p._fullData.length === 4 && p._fullData[3]._length > 1)""",
        timeout=60_000,
    )
    page.wait_for_selector(".st-key-play_history button", timeout=30_000)
    titles = _chart_titles(page)
    assert "fitted surface" in titles and titles.count("decision boundary") == 2
    page.screenshot(path=str(ARTIFACTS / "compare.png"))
    assert {"weights and biases", "loss, A and B"} <= set(titles)

    # Play history: the slider moves from the first kept epoch towards the last.
    page.locator(".st-key-play_history button").first.click()
    page.wait_for_selector(".st-key-stop_history button", timeout=30_000)
    slider = page.locator(".st-key-shown_epoch [data-testid=stSliderThumbValue]")
    seen = set()
    deadline = time.time() + 20
    while time.time() < deadline and len(seen) < 3:
        seen.add(slider.inner_text())
        time.sleep(0.3)
    assert len(seen) >= 3, seen
    page.screenshot(path=str(ARTIFACTS / "history.png"))

    log = log_path.read_text()
    assert "Traceback" not in log, log


def _query(page) -> dict[str, str]:
    from urllib.parse import parse_qsl, urlsplit

    return dict(parse_qsl(urlsplit(page.url).query, keep_blank_values=True))


def test_browser_each_lesson_link_reproduces_its_setup(server, browser):
    from explorer.lessons import LESSONS
    from explorer.links import to_query

    url, log_path = server
    for name, lesson in LESSONS.items():
        # A fresh browser context: no cookies, no session, as a student's laptop.
        context = browser.new_context(viewport={"width": 1600, "height": 1200})
        page = context.new_page()
        last = len(lesson.steps)
        page.goto(f"{url}/?lesson={name}&step={last}")
        page.wait_for_selector(".st-key-lesson_card", timeout=60_000)
        page.wait_for_selector(".js-plotly-plot", timeout=60_000)
        assert lesson.title in page.locator(".st-key-lesson_card").inner_text()
        # The page writes its whole config back to the URL: it is the lesson's.
        expected = to_query(lesson.steps[-1].config) | {"lesson": name}
        if last > 1:
            expected["step"] = str(last)
        page.wait_for_function(
            "n => new URL(location.href).searchParams.size === n",
            arg=len(expected),
            timeout=30_000,
        )
        assert _query(page) == expected
        page.screenshot(path=str(ARTIFACTS / f"lesson-{name}.png"))
        context.close()

    # A classroom link: the controls not allowed are shown greyed out.
    page = browser.new_page(viewport={"width": 1600, "height": 1200})
    page.goto(f"{url}/?lesson=activations&allow=lr,epochs&others=lock")
    page.wait_for_selector(".st-key-lesson_card", timeout=60_000)
    page.wait_for_selector("text=Classroom link", timeout=30_000)
    activation = page.locator(".st-key-activation input")
    assert activation.is_disabled()
    assert page.locator(".st-key-epochs input").is_enabled()
    page.screenshot(path=str(ARTIFACTS / "classroom-lock.png"))

    # Presenter mode: the model and the loss only, in larger type.
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{url}/?lesson=activations&step=2&present=true")
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    page.locator(".st-key-train button").click()
    page.wait_for_selector("text=/Epoch 300 \\/ 300/", timeout=60_000)
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot').length === 2",
        timeout=30_000,
    )
    assert set(_chart_titles(page)) == {"decision boundary", "loss"}
    size = page.evaluate("getComputedStyle(document.documentElement).fontSize")
    assert size == "20px"
    page.screenshot(path=str(ARTIFACTS / "presenter.png"), full_page=True)

    log = log_path.read_text()
    assert "Traceback" not in log, log


def test_browser_downloads_the_run_as_a_script_that_runs(server, browser, tmp_path):
    import subprocess
    import sys

    url, log_path = server
    page = browser.new_page(viewport={"width": 1600, "height": 1200})
    page.goto(f"{url}/?dataset=xor&epochs=20&hidden=6&activation=relu")
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    page.get_by_text("Share, save and restore this setup").click()
    with page.expect_download(timeout=30_000) as download:
        page.locator(".st-key-download_script button").first.click()
    path = tmp_path / "run.py"
    download.value.save_as(path)
    assert download.value.suggested_filename == "xor-run.py"
    result = subprocess.run(
        [sys.executable, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("epoch 0:") and lines[-1].startswith("final:")
    assert "Traceback" not in log_path.read_text()


def test_browser_uploads_a_messy_file_and_trains_on_it(server, browser, tmp_path):
    url, log_path = server
    # Semicolons, decimal commas, Windows-1252 names, labels -1 and 1, gaps.
    rows = ["durée (h);note précédente;réussi"]
    for k in range(120):
        hours = (k * 7) % 40 / 4
        label = 1 if hours + (k % 5) > 6 else -1
        rows.append(f"{hours:.2f}".replace(".", ",") + f";{10 + k % 9};{label}")
    rows[5] = "NA;12;1"
    path = tmp_path / "résultats.csv"
    path.write_bytes("\r\n".join(rows).encode("cp1252"))

    page = browser.new_page(viewport={"width": 1600, "height": 1400})
    page.goto(f"{url}/?dataset=csv&task=binary&csv=x.csv&target=y&csv_digest=0")
    page.wait_for_selector("text=is not loaded: upload it", timeout=60_000)
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(path)
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    page.wait_for_selector("text=Suggested task for 'réussi'", timeout=30_000)
    _click_until(page, "train", "text=/Epoch 300 \\/ 300/")
    titles = _chart_titles(page)
    assert "decision boundary" in titles and "loss" in titles
    page.get_by_text("Your data: résultats.csv").click()
    page.wait_for_selector("text=How the file was read and cleaned", timeout=30_000)
    assert page.get_by_text("semicolons").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "your-data.png"), full_page=True)
    log = log_path.read_text()
    assert "Traceback" not in log, log
