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

// A chart with frames (the unrolled layer, playing) is reached with Tab and played from the keyboard: space
// plays or pauses, the arrow keys step back and forward. Plotly's own buttons and slider take no focus.
const STEP_MS = 700;

function step(chart) {
  return chart._fullLayout.sliders?.[0]?.active ?? 0;
}

function keys(chart, Plotly, frames) {
  chart.rnnlabFrames = frames;
  if (!frames) {
    chart.removeAttribute("tabindex");
    return;
  }
  chart.tabIndex = 0;
  chart.setAttribute("role", "application");
  chart.setAttribute("aria-label", "The layer unrolled: space plays or pauses, the left and right arrows step");
  if (chart.rnnlabKeys) return;
  chart.rnnlabKeys = true;
  chart.on?.("plotly_animated", () => (chart.rnnlabPlaying = false));
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
      keys(chart, Plotly, (figure.frames || []).length);
      if (chart.rnnlabText === text) delete chart.dataset.drawing;
    })
    .catch((error) => {
      delete chart.dataset.drawing;
      chart.rnnlabText = undefined;
      chart.textContent = `This chart could not be drawn (${error.message}); reload the page to try again.`;
    });
}
