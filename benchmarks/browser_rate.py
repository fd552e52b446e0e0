"""Epochs per second and chart repaints per second as a person sees them: start the
app, set TensorFlow Playground's default setup in the sidebar (circles, 2-4-2-1
tanh, 250 training points, batch 10, SGD lr 0.03), press Train in headless
Chromium and count for a few seconds.

    python benchmarks/browser_rate.py [--seconds 6]

Prints numbers; asserts nothing (timings on a shared machine are noisy).
"""

import argparse
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from app_server import CHROMIUM_FLAGS, LOSS_POINTS, serve_app  # noqa: E402

# A background tab's timers are slowed down; this page must not be.
FLAGS = CHROMIUM_FLAGS + [
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]

# Counts, on every animation frame, how often the loss curve got new points.
WATCH = (
    """() => {
  window.__repaints = []; let last = -1;
  const count = """
    + LOSS_POINTS
    + """;
  const tick = () => {
    const n = count();
    if (n !== last) { window.__repaints.push([performance.now(), n]); last = n; }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""
)


def settle(page) -> None:
    # Wait until Streamlit has finished the rerun a change started.
    page.wait_for_timeout(300)
    page.wait_for_selector(
        "[data-testid=stStatusWidget]", state="detached", timeout=30_000
    )


def choose(page, key: str, option: str) -> None:
    box = page.locator(f".st-key-{key} input")
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).click()
    settle(page)


def nudge(page, key: str, presses: int) -> None:
    # Sliders move by keyboard: one step per arrow press.
    thumb = page.locator(f".st-key-{key} input[type=range]").first
    thumb.focus()
    arrow = "ArrowRight" if presses > 0 else "ArrowLeft"
    for _ in range(abs(presses)):
        thumb.press(arrow)
    settle(page)


def set_number(page, key: str, value: int) -> None:
    box = page.locator(f".st-key-{key} input")
    box.fill(str(value))
    box.press("Enter")
    settle(page)


def playground_setup(page) -> None:
    choose(page, "dataset", "Circles")
    nudge(page, "noise", -2)  # 0.2 -> 0.1
    nudge(page, "test_fraction", 4)  # 0.3 -> 0.5: 250 training points
    page.locator(".st-key-same_width label").click()
    settle(page)
    set_number(page, "width_1", 4)
    set_number(page, "width_2", 2)
    choose(page, "optimizer", "SGD")
    nudge(page, "batch_size", 3)  # full -> 1 -> 4 -> 10
    set_number(page, "epochs", 5000)


def time_to_finish(page) -> str:
    """Seconds from the Train click to the finished run, and its test accuracy."""
    start = time.perf_counter()
    page.locator(".st-key-train button").click()
    page.wait_for_selector("text=/Training finished/", timeout=120_000)
    seconds = time.perf_counter() - start
    accuracy = page.evaluate(
        """() => { for (const p of document.querySelectorAll('.js-plotly-plot')) {
             if (p.layout.yaxis.title.text === 'accuracy') {
               const test = p._fullData.find(t => t.name === 'test');
               return test.y[test.y.length - 1]; } } return null; }"""
    )
    shown = f"{accuracy:.3f}" if accuracy is not None else "not found"
    return f"finished in {seconds:.1f} s from the click, test accuracy {shown}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    with serve_app("bench-server.log") as (url, _):
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            page = browser.new_page(viewport={"width": 1600, "height": 1200})
            page.goto(url)
            page.wait_for_selector(".js-plotly-plot", timeout=60_000)
            wall = time_to_finish(page)
            print(f"our defaults (two moons, 2-8-8-1 tanh, Adam, 300 epochs): {wall}")
            playground_setup(page)
            status = page.locator("text=/Epoch [0-9,]+ \\//").first.inner_text()
            head = page.locator("text=/parameters/").first.inner_text()
            print(f"setup: {head.strip()[:80]} | {status}")

            page.evaluate(WATCH)
            page.locator(".st-key-train button").click()
            time.sleep(args.seconds)
            frames = page.evaluate("window.__repaints")
            page.locator(".st-key-pause button").click()
            browser.close()

    # Skip the first repaint after the click; measure from the second on.
    frames = [f for f in frames if f[1] > 1]
    if len(frames) < 3:
        print("too few repaints to measure:", frames)
        return
    (t0, n0), (t1, n1) = frames[1], frames[-1]
    seconds = (t1 - t0) / 1000
    print(
        f"over {seconds:.1f} s: {(len(frames) - 2) / seconds:.1f} repaints/s, "
        f"{(n1 - n0) / seconds:.1f} epochs/s "
        f"(TensorFlow Playground: ~48 epochs/s, repainting every epoch)"
    )


if __name__ == "__main__":
    main()
