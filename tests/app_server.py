"""Serving the app on a free localhost port and finding the bits of its page that
the browser test and the browser benchmark both read."""

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# JavaScript: number of points in the loss chart's train line (Plotly's own count,
# since the data arrive as typed arrays); -1 before the chart exists.
# Epochs drawn on the loss curve: the live canvas while training runs, the Plotly
# chart otherwise.
LOSS_POINTS = """() => {
  const live = document.querySelector('canvas.live-loss');
  if (live) return +live.dataset.epochs;
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    const title = plot.layout && plot.layout.yaxis && plot.layout.yaxis.title;
    if (title && (title.text || title) === 'loss') return plot._fullData[0]._length;
  }
  return -1;
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_app(log_name: str) -> Iterator[tuple[str, Path]]:
    """Run `streamlit run` until the block ends; yields its URL and log path."""
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / log_name
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true",
    ]  # fmt: skip
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=log)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.3)
        yield f"http://127.0.0.1:{port}", log_path
    finally:
        process.terminate()
        process.wait(timeout=20)
