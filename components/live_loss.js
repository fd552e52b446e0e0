// The loss curve while a run trains, drawn on a canvas.
//
// The page sends the history five times a second; between two updates the
// curve is redrawn once per animation frame, one step of new epochs at a time,
// so it grows smoothly instead of in jumps of a fifth of a second. Every frame shows real epochs that have arrived, never guessed ones.

const COLORS = { train: "#0072B2", test: "#E69F00" };
const FRAMES_PER_UPDATE = 12; // about 0.2 s at 60 frames a second
const PAD = { left: 84, right: 24, top: 64, bottom: 64 };

function niceTicks(low, high, count) {
  const span = high - low || Math.abs(high) || 1;
  const raw = span / count;
  const step = [1, 2, 5, 10].map((m) => m * 10 ** Math.floor(Math.log10(raw)))
    .find((s) => s >= raw);
  const ticks = [];
  for (let t = Math.ceil(low / step) * step; t <= high + step * 1e-9; t += step) {
    ticks.push(Number(t.toPrecision(12)));
  }
  return ticks;
}

function label(value) {
  if (value === 0) return "0";
  const a = Math.abs(value);
  return a >= 1e4 || a < 1e-3 ? value.toExponential(1) : String(Number(value.toPrecision(4)));
}

function draw(canvas, state) {
  const { epoch, train, test, log_y: logY } = state.data;
  const shown = epoch.findLastIndex((e) => e <= state.shownEpoch) + 1;
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth, height = canvas.clientHeight;
  if (canvas.width !== Math.round(width * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const g = canvas.getContext("2d");
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);
  const font = state.data.font_size;
  g.font = `${font}px sans-serif`;

  const values = train.slice(0, shown).concat(test.slice(0, shown))
    .filter((v) => Number.isFinite(v) && (!logY || v > 0));
  const y = (v) => (logY ? Math.log10(v) : v);
  let low = values.length ? Math.min(...values.map(y)) : 0;
  let high = values.length ? Math.max(...values.map(y)) : 1;
  if (high - low < 1e-12) { low -= 0.5; high += 0.5; }
  const lastEpoch = Math.max(1, epoch[Math.max(0, shown - 1)] || 1);
  const plotW = width - PAD.left - PAD.right, plotH = height - PAD.top - PAD.bottom;
  const px = (e) => PAD.left + (plotW * e) / lastEpoch;
  const py = (v) => PAD.top + plotH * (1 - (y(v) - low) / (high - low));

  // Grid, ticks and axis titles.
  g.strokeStyle = "#e5e5e5"; g.fillStyle = "#2a3f5f"; g.lineWidth = 1;
  g.textAlign = "right"; g.textBaseline = "middle";
  for (const t of niceTicks(low, high, 5)) {
    const v = logY ? 10 ** t : t;
    g.beginPath(); g.moveTo(PAD.left, py(v)); g.lineTo(width - PAD.right, py(v)); g.stroke();
    g.fillText(label(v), PAD.left - 8, py(v));
  }
  g.textAlign = "center"; g.textBaseline = "top";
  for (const t of niceTicks(0, lastEpoch, 6).filter((t) => Number.isInteger(t))) {
    g.fillText(t.toLocaleString("en"), px(t), height - PAD.bottom + 8);
  }
  g.fillText("epoch", PAD.left + plotW / 2, height - PAD.bottom + 12 + font);
  g.save(); g.translate(22, PAD.top + plotH / 2); g.rotate(-Math.PI / 2);
  g.fillText(logY ? "loss (log scale)" : "loss", 0, -font / 2); g.restore();
  g.textAlign = "left"; g.textBaseline = "top";
  g.font = `${Math.round(font * 1.2)}px sans-serif`;
  g.fillText("loss", 8, 12);
  g.font = `${font}px sans-serif`;

  // The curves, and a legend that says which is which.
  let legendX = width - PAD.right - 190;
  for (const [name, ys] of [["train", train], ["test", test]]) {
    g.strokeStyle = COLORS[name]; g.lineWidth = 3;
    g.setLineDash(name === "test" ? [9, 6] : []);
    g.beginPath();
    let started = false;
    for (let i = 0; i < shown; i++) {
      if (!Number.isFinite(ys[i]) || (logY && ys[i] <= 0)) { started = false; continue; }
      if (started) g.lineTo(px(epoch[i]), py(ys[i]));
      else { g.moveTo(px(epoch[i]), py(ys[i])); started = true; }
    }
    g.stroke();
    g.beginPath(); g.moveTo(legendX, 22); g.lineTo(legendX + 34, 22); g.stroke();
    g.setLineDash([]);
    g.textBaseline = "middle"; g.fillText(name, legendX + 42, 22);
    legendX += 100;
  }
  canvas.dataset.epochs = String(shown);
}

export default function ({ data, parentElement }) {
  let canvas = parentElement.querySelector("canvas");
  if (!canvas) {
    canvas = document.createElement("canvas");
    canvas.className = "live-loss";
    canvas.style.height = `${data.height}px`;
    parentElement.appendChild(canvas);
    canvas.state = { shownEpoch: -1 };
  }
  const state = canvas.state;
  state.data = data;
  const newest = data.epoch.length ? data.epoch[data.epoch.length - 1] : 0;
  if (state.shownEpoch > newest) state.shownEpoch = -1; // a fresh run
  const behind = data.epoch.filter((e) => e > state.shownEpoch).length;
  state.stride = Math.max(1, Math.ceil(behind / FRAMES_PER_UPDATE));
  if (state.animating) return;
  state.animating = true;
  const frame = () => {
    const later = state.data.epoch.filter((e) => e > state.shownEpoch);
    if (!later.length || !canvas.isConnected) { state.animating = false; return; }
    state.shownEpoch = later[Math.min(state.stride, later.length) - 1];
    draw(canvas, state);
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}
