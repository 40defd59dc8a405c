// When printing starts, each Plotly chart is copied, as drawn on screen, into one SVG that scales to the printed
// page's text width (print.css shows the copy and hides the live chart); the copies go when printing ends.
// The live chart cannot be printed as it is: it is drawn at the window's width in pixels, so it would be cut at
// the margin, and Chromium lays the page out again at the paper's width while printing, when Plotly redraws it
// squeezed into that width (labels over bars) or not at all, depending on timing. A copy is not redrawn.
if (!window.boardsPrintCopies) {
  window.boardsPrintCopies = true;
  const SVG = "http://www.w3.org/2000/svg";
  const doc = window.parent.document;

  const printCopy = (chart) => {
    // Plotly draws a chart in layers, each a full-size SVG (the plot, then titles, legend and annotations).
    const layers = [...chart.querySelectorAll("svg.main-svg")];
    const width = layers.length ? Number(layers[0].getAttribute("width")) : 0;
    const height = layers.length ? Number(layers[0].getAttribute("height")) : 0;
    if (!width || !height) return null;
    const copy = doc.createElementNS(SVG, "svg");
    copy.setAttribute("viewBox", `0 0 ${width} ${height}`);
    copy.setAttribute("role", "img");
    const title = chart.querySelector(".gtitle");
    copy.setAttribute("aria-label", title ? title.textContent : "Chart");
    for (const layer of layers) {
      const group = doc.createElementNS(SVG, "g");
      for (const child of layer.childNodes) group.appendChild(child.cloneNode(true));
      copy.appendChild(group);
    }
    const holder = doc.createElement("div");
    holder.className = "boards-print-chart";
    holder.appendChild(copy);
    return holder;
  };

  const removeCopies = () => {
    for (const copy of doc.querySelectorAll(".boards-print-chart")) copy.remove();
  };

  window.addEventListener("beforeprint", () => {
    removeCopies(); // printing may start again before it has ended (Chromium announces a PDF print itself)
    for (const chart of doc.querySelectorAll('[data-testid="stPlotlyChart"]')) {
      const frame = chart.closest('[data-testid="stFullScreenFrame"]') || chart;
      const copy = printCopy(chart);
      // Before the live chart: its clip paths, which share the live chart's ids, are then the ones found first.
      if (copy) frame.parentElement.insertBefore(copy, frame);
    }
  });
  window.addEventListener("afterprint", removeCopies);
}
