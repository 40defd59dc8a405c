// When printing starts, each Plotly chart wider than A4's text width (180 mm, 680 CSS pixels) is zoomed
// to fit it, and restored afterwards: a chart is drawn at the window's width in pixels and would be cut.
// Streamlit may draw a chart again at the printed page's width while printing; the zoom then follows the
// width it is drawn at (a chart drawn within 680 pixels needs none), rather than shrinking it a second time.
if (!window.boardsPrintFit) {
  window.boardsPrintFit = true;
  const A4_TEXT_PX = 680;
  const charts = () => window.parent.document.querySelectorAll('[data-testid="stPlotlyChart"]');
  const fit = (chart) => {
    const drawn = chart.querySelector(".main-svg");
    const width = drawn ? Number(drawn.getAttribute("width")) : chart.scrollWidth;
    chart.style.width = width > A4_TEXT_PX ? `${width}px` : "";
    chart.style.zoom = width > A4_TEXT_PX ? String(A4_TEXT_PX / width) : "";
  };
  const redrawn = new MutationObserver((changes) => {
    for (const change of changes) {
      const chart = (change.target.closest ? change.target : change.target.parentElement).closest('[data-testid="stPlotlyChart"]');
      if (chart) fit(chart);
    }
  });
  window.addEventListener("beforeprint", () => {
    for (const chart of charts()) {
      fit(chart);
      redrawn.observe(chart, { attributes: true, attributeFilter: ["width"], childList: true, subtree: true });
    }
  });
  window.addEventListener("afterprint", () => {
    redrawn.disconnect();
    for (const chart of charts()) {
      chart.style.zoom = "";
      chart.style.width = "";
    }
  });
}
