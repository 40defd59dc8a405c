// When printing starts, each Plotly chart wider than A4's text width (180 mm, 680 CSS pixels) is zoomed
// to fit it, and restored afterwards: a chart is drawn at the window's width in pixels and would be cut.
if (!window.boardsPrintFit) {
  window.boardsPrintFit = true;
  const A4_TEXT_PX = 680;
  window.addEventListener("beforeprint", () => {
    for (const chart of window.parent.document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
      const width = chart.scrollWidth;
      chart.style.zoom = width > A4_TEXT_PX ? String(A4_TEXT_PX / width) : "";
    }
  });
  window.addEventListener("afterprint", () => {
    for (const chart of window.parent.document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
      chart.style.zoom = "";
    }
  });
}
