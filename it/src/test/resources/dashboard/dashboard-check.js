// Opens Floe's dashboard in headless Chromium driven by Playwright, waits until the pipeline shows
// live figures, saves a screenshot, and prints what the page showed as one JSON line for
// DashboardIT to check. The browser is Debian's chromium package where it is installed, otherwise
// the Chromium build that npm fetched with this project (so a fresh machine needs nothing more).
// With TABLE, it then presses the table's "Compact now" button and waits until the compaction run
// and the table's file-size histogram show.
// Usage: node dashboard-check.js URL PIPELINE SCREENSHOT [TABLE]
import { existsSync } from 'node:fs';
import sparticuz from '@sparticuz/chromium';
import { chromium } from 'playwright-core';

const [url, pipeline, screenshot, table] = process.argv.slice(2);
const section = `section[data-pipeline='${pipeline}']`;
const tableSection = `div[data-table='${table}']`;
const wait = { timeout: 120_000, polling: 500 };
// FLOE_DASHBOARD_CHROMIUM=npm takes npm's build even where Debian's is installed
const debian = process.env.FLOE_DASHBOARD_CHROMIUM === 'npm'
  ? undefined
  : ['/usr/bin/chromium', '/usr/lib/chromium/chromium'].find(existsSync);

const browser = await chromium.launch({
  executablePath: debian ?? (await sparticuz.executablePath()),
  args: debian ? ['--no-sandbox', '--disable-dev-shm-usage'] : sparticuz.args,
  headless: true,
});
try {
  // a POSIX locale (LANG unset, as on CI) would make the page's language 'en-US@posix', which
  // Intl refuses: uPlot formats numbers in the browser's language
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1400, height: 2000 } });
  const page = await context.newPage();
  // what the page itself complained about, for the message when a condition is never met
  const complaints = [];
  page.on('console', (message) => complaints.push(`console ${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => complaints.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => complaints.push(`request failed: ${request.url()}`));
  await page.goto(url, { waitUntil: 'load' });
  // each condition is read afresh on every poll: the page re-renders a pipeline's tables on refresh
  const conditions = {
    running: `document.querySelector("${section} .state")?.textContent.trim() === 'RUNNING'`,
    throughput: `(t => t && t !== '0/s')(document.querySelector("${section} [data-kpi='throughput'] b")?.textContent.trim())`,
    committed: `[...document.querySelectorAll("${section} tr.checkpoint-row")]
        .some(row => row.querySelectorAll('td')[1]?.textContent.trim() === 'COMMITTED')`,
    tableRow: `document.querySelectorAll("${section} tr.table-row").length > 0`,
    chart: `document.querySelectorAll("${section} .throughput-chart canvas").length === 1`,
  };
  const waitFor = async (conditions) => {
    for (const [name, condition] of Object.entries(conditions)) {
      try {
        await page.waitForFunction(condition, null, wait);
      } catch (e) {
        const shown = await page.evaluate(() => document.body?.innerText.slice(0, 4000));
        throw new Error(`the dashboard at ${url} never showed '${name}' (${condition}): ${e.message}\n`
            + `${complaints.join('\n')}\npage text:\n${shown}`);
      }
    }
  };
  await waitFor(conditions);
  const seen = await page.evaluate((section) => {
    const root = document.querySelector(section);
    const text = (css) => root.querySelector(css)?.textContent.trim() ?? null;
    return {
      name: text('.name'),
      state: text('.state'),
      recordsIn: text("[data-kpi='records-in'] b"),
      throughput: text("[data-kpi='throughput'] b"),
      firstTable: text('tr.table-row td'),
      operatorRows: root.querySelectorAll('.operators tr').length,
      charts: root.querySelectorAll('.throughput-chart canvas').length,
      connection: document.getElementById('connection')?.textContent.trim() ?? null,
    };
  }, section);
  if (table) {
    await waitFor({
      histogram: `[...document.querySelectorAll("${tableSection} .histogram .bucket")].some(b => b.dataset.files !== '0')`,
    });
    await page.click(`${tableSection} button[data-action='compact']`);
    await waitFor({
      compactionRun: `[...document.querySelectorAll("${tableSection} tr.compaction-row")]
          .some(row => ['COMMITTED', 'PARTIAL'].includes(row.dataset.outcome))`,
    });
    Object.assign(seen, await page.evaluate((tableSection) => {
      const root = document.querySelector(tableSection);
      const run = root.querySelector('tr.compaction-row');
      const cells = [...run.querySelectorAll('td')].map((td) => td.textContent.trim());
      return {
        table: root.querySelector('.name')?.textContent.trim() ?? null,
        compactionTrigger: cells[1],
        compactionOutcome: cells[2],
        compactionFiles: cells[3],
        compactionResult: root.querySelector('.action-result')?.textContent.trim() ?? null,
        histogramFiles: [...root.querySelectorAll('.histogram .bucket')]
          .reduce((sum, b) => sum + Number(b.dataset.files), 0),
        histogramBuckets: root.querySelectorAll('.histogram .bucket').length,
        filesSummary: root.querySelector('.files-summary')?.textContent.trim() ?? null,
      };
    }, tableSection));
  }
  await page.screenshot({ path: screenshot, fullPage: true });
  seen.browser = `${debian ?? 'Chromium from npm'} ${browser.version()}`;
  console.log(JSON.stringify(seen));
} finally {
  await browser.close();
}
