// One Plotly chart in the page, kept in place: a new figure for the same chart is applied with Plotly.react
// (only what changed is redrawn) instead of the chart being unmounted and drawn anew. Every rerun sends every
// chart again; one whose figure did not change is left alone. plotly.js is loaded once per page, from this
// server (the plotly package's own copy, at an address naming its version, which the browser keeps): nothing
// is fetched from another host.
const PLOTLY = "PLOTLY_ADDRESS";

function plotly() {
  if (!window.rnnlabPlotly) {
    window.rnnlabPlotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = new URL(PLOTLY, document.baseURI).href;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => {
        window.rnnlabPlotly = undefined; // the next chart tries again
        reject(new Error("plotly.js could not be loaded"));
      };
      document.head.appendChild(script);
    });
  }
  return window.rnnlabPlotly;
}

function holder(parentElement) {
  let chart = parentElement.querySelector(":scope > .rnnlab-chart");
  if (!chart) {
    chart = document.createElement("div");
    chart.className = "rnnlab-chart";
    parentElement.appendChild(chart);
    // Drawn again at its box's width when that changes: a folded sidebar, a turned phone, a chart drawn while
    // hidden (a closed tab or expander) and shown later.
    new ResizeObserver(([entry]) => {
      const width = Math.round(entry.contentRect.width);
      if (width && chart._fullLayout && Math.abs(width - chart._fullLayout.width) > 1) window.Plotly.Plots.resize(chart);
    }).observe(chart);
  }
  return chart;
}

// The page's one timestep. The chart with frames (the unrolled layer, playing) leads: each frame it shows (from
// its buttons, its slider or the keys) is told to the page as the processing step, and every chart that follows
// (its figure carries `follow`: what changes at each step, sent once with it) shows that step. All of it in
// the browser; a chart drawn later (another section chosen) starts at the step the page is at.
const TIMESTEP = "rnnlab-timestep";

function tell(step, steps) {
  window.rnnlabTimestep = { step, steps };
  window.dispatchEvent(new CustomEvent(TIMESTEP, { detail: window.rnnlabTimestep }));
}

// A NumPy array sent as base64 ({dtype, bdata, shape}), as a typed array; decoded once.
const TYPES = { f8: Float64Array, f4: Float32Array, i1: Int8Array, u1: Uint8Array, i2: Int16Array,
                u2: Uint16Array, i4: Int32Array, u4: Uint32Array };

function decoded(spec) {
  if (!spec.rnnlabArray) {
    const bytes = Uint8Array.from(atob(spec.bdata), (c) => c.charCodeAt(0));
    spec.rnnlabArray = new TYPES[spec.dtype](bytes.buffer);
  }
  return spec.rnnlabArray;
}

// Index k of an array whose first axis is the step: a value, a vector, or a grid (a list of rows).
function pick(values, k) {
  if (Array.isArray(values)) return values[k];
  const flat = decoded(values);
  const shape = String(values.shape ?? flat.length).split(",").map(Number);
  const size = shape.slice(1).reduce((a, b) => a * b, 1);
  const row = Array.from(flat.subarray(k * size, (k + 1) * size));
  if (shape.length === 1) return row[0];
  if (shape.length === 2) return row;
  const width = shape[shape.length - 1];
  return Array.from({ length: size / width }, (_, r) => row.slice(r * width, (r + 1) * width));
}

function show(chart, Plotly, k) {
  const follow = chart.rnnlabFollow;
  if (!follow || k === undefined || k >= follow.steps || chart.rnnlabShown === k) return;
  if (chart.dataset.drawing) return; // drawn first, then shown at the page's step
  chart.rnnlabShown = k;
  const data = {};
  for (const entry of follow.data) {
    for (const [key, values] of Object.entries(entry)) {
      if (key !== "trace") (data[key] ??= []).push(pick(values, k));
    }
  }
  const layout = Object.fromEntries(Object.entries(follow.layout).map(([key, values]) => [key, pick(values, k)]));
  Plotly.update(chart, data, layout, follow.data.length ? follow.data.map((entry) => entry.trace) : undefined);
}

function follows(chart, Plotly, follow) {
  chart.rnnlabFollow = follow;
  chart.rnnlabShown = undefined; // as drawn: the server's step
  if (!follow) return;
  if (!chart.rnnlabListening) {
    chart.rnnlabListening = true;
    const listen = (event) => {
      if (!chart.isConnected) { // its section was closed
        chart.rnnlabListening = false;
        window.removeEventListener(TIMESTEP, listen);
        return;
      }
      if (event.detail.steps === chart.rnnlabFollow?.steps) show(chart, Plotly, event.detail.step);
    };
    window.addEventListener(TIMESTEP, listen);
  }
  const now = window.rnnlabTimestep;
  if (now && now.steps === follow.steps) show(chart, Plotly, now.step);
}

// The leader is reached with Tab and played from the keyboard: space plays or pauses, the arrow keys step back
// and forward. Plotly's own buttons and slider take no focus.
const STEP_MS = 700;

function step(chart) {
  return chart._fullLayout.sliders?.[0]?.active ?? 0;
}

function leads(chart, Plotly, frames) {
  chart.rnnlabFrames = frames;
  if (!frames) {
    chart.removeAttribute("tabindex");
    return;
  }
  tell(step(chart), frames); // as drawn: the server's step
  chart.tabIndex = 0;
  chart.setAttribute("role", "application");
  chart.setAttribute("aria-label",
                     "The layer unrolled, and the whole page with it: space plays or pauses, the left and right arrows step");
  if (chart.rnnlabKeys) return;
  chart.rnnlabKeys = true;
  chart.on?.("plotly_animated", () => (chart.rnnlabPlaying = false));
  chart.on?.("plotly_animatingframe", (event) => tell(Number(event.name), chart.rnnlabFrames));
  chart.addEventListener("keydown", (event) => {
    const last = chart.rnnlabFrames - 1;
    if (!chart.rnnlabFrames) return;
    const go = (names, duration) =>
      Plotly.animate(chart, names, { frame: { duration, redraw: true }, transition: { duration: 0 },
                                     mode: "immediate", fromcurrent: true });
    if (event.key === " ") {
      chart.rnnlabPlaying = !chart.rnnlabPlaying;
      go(chart.rnnlabPlaying ? null : [null], STEP_MS);
    } else if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
      chart.rnnlabPlaying = false;
      const next = Math.min(Math.max(step(chart) + (event.key === "ArrowRight" ? 1 : -1), 0), last);
      go([String(next)], 0);
    } else {
      return;
    }
    event.preventDefault(); // no page scroll
  });
}

export default function ({ data, parentElement }) {
  if (!data?.byteLength) { // no figure: plotly.js begins to load now, for the charts to come (ui.plot.preload)
    plotly().catch(() => {});
    return;
  }
  const text = new TextDecoder().decode(data);
  const chart = holder(parentElement);
  if (chart.rnnlabText === text) return;
  chart.rnnlabText = text;
  const { figure, config } = JSON.parse(text);
  chart.dataset.drawing = "true"; // until this figure is on the screen
  plotly()
    .then(async (Plotly) => {
      if (chart.rnnlabText !== text) return; // a newer figure came while plotly.js loaded
      await Plotly.react(chart, { data: figure.data, layout: figure.layout, frames: figure.frames || [], config });
      if (chart.rnnlabText !== text) return; // a newer figure is on its way
      delete chart.dataset.drawing;
      leads(chart, Plotly, (figure.frames || []).length);
      follows(chart, Plotly, figure.follow);
    })
    .catch((error) => {
      delete chart.dataset.drawing;
      chart.rnnlabText = undefined;
      chart.textContent = `This chart could not be drawn (${error.message}); reload the page to try again.`;
    });
}
