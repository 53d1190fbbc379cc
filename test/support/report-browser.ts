import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { requireSystemTool } from "./system-tools";

export interface RenderedReport {
  /** Every chart element: how many SVG shapes it drew and its size on screen. */
  readonly charts: { id: string; shapes: number; width: number; height: number }[];
  readonly emptyCharts: string[];
  /** Headline figures by id (data-value), as the page states them. */
  readonly figures: Record<string, number | undefined>;
  /** The body's data-state: data, empty-period or empty-database. */
  readonly state: string | null;
  /** Console errors and warnings, page errors and any request beyond the file itself. */
  readonly problems: string[];
}

/** Runs in the page (a string: this project compiles without the DOM's types). */
const readPage = `({
  charts: [...document.querySelectorAll(".chart")].map((chart) => {
    const svg = chart.querySelector("svg");
    const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
    return {
      id: chart.id,
      shapes: svg ? svg.querySelectorAll("path, rect, circle, polyline, polygon, text").length : 0,
      width: box.width,
      height: box.height,
    };
  }),
  emptyCharts: [...document.querySelectorAll("[data-empty-chart]")].map((element) => element.getAttribute("data-empty-chart")),
  figures: Object.fromEntries([...document.querySelectorAll("[data-figure]")].map((element) => {
    const value = element.getAttribute("data-value");
    return [element.getAttribute("data-figure"), value === null ? undefined : Number(value)];
  })),
  state: document.body.getAttribute("data-state"),
})`;

/**
 * Opens a report in Debian's headless Chromium (driven by playwright-core; no browser download)
 * as a reader would, waits for the charts to be drawn, and reads back what is on screen;
 * with `screenshot`, writes a full-page PNG there.
 */
export async function openReport(file: string, screenshot?: string): Promise<RenderedReport> {
  const browser = await chromium.launch({
    executablePath: requireSystemTool("chromium"),
    args: ["--no-sandbox"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const url = pathToFileURL(file).href;
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning")
        problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("request", (request) => {
      if (request.url() !== url) problems.push(`request: ${request.url()}`);
    });
    await page.goto(url);
    await page.waitForSelector("body[data-charts-drawn]", { timeout: 30_000 });
    const rendered = (await page.evaluate(readPage)) as Omit<RenderedReport, "problems">;
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    return { ...rendered, problems };
  } finally {
    await browser.close();
  }
}
