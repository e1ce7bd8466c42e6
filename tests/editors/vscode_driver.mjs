// Drive a running code-server (the real VS Code workbench, with the project's extension
// installed) through /usr/bin/chromium with playwright-core.  Started by test_vscode.py.
//
//   node vscode_driver.mjs --playwright DIR --url http://127.0.0.1:PORT --folder /abs/ws \
//        --file submit.py --screenshot out.png [--final-screenshot final.png] [--timeout 30000]
//
// Steps, each bounded by --timeout:
//   open the folder, open the file from the Explorer, wait for the squiggle on `Workspace.from_config()`
//   (line 4), open the Problems panel and wait for the AML101 entry, hover the squiggle and
//   wait for the server's hover (the v2 mapping), take the screenshot, then Ctrl+. on the
//   squiggle, pick the "Migrate `Workspace.from_config` ..." quick fix, wait for the editor
//   to show the edit, Ctrl+S, wait for the file on disk to change and the squiggles to go.
// Prints one JSON report on stdout; exit status 0 when every step passed.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

function parseArgs(argv) {
  const a = { timeout: 30000 };
  const keys = { '--playwright': 'playwright', '--url': 'url', '--folder': 'folder', '--file': 'file',
    '--screenshot': 'screenshot', '--final-screenshot': 'finalScreenshot', '--timeout': 'timeout',
    '--chromium': 'chromium', '--width': 'width', '--height': 'height' };
  for (let i = 2; i < argv.length; i += 2) {
    const k = keys[argv[i]];
    if (!k || i + 1 >= argv.length) throw new Error(`bad argument ${argv[i]}`);
    a[k] = argv[i + 1];
  }
  for (const k of ['playwright', 'url', 'folder', 'file']) {
    if (!a[k]) throw new Error(`--${k} is required`);
  }
  a.timeout = Number(a.timeout);
  return a;
}

const args = parseArgs(process.argv);
// playwright-core lives in the editors cache (install-editors.sh), not in the repository
const { chromium } = createRequire(path.join(args.playwright, 'noop.js'))('playwright-core');

const report = { ok: false, steps: [] };
const t0 = Date.now();
const step = (name) => {
  report.steps.push({ name, t_ms: Date.now() - t0 });
  process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${name}\n`);
};
const FIX_TITLE = 'Migrate `Workspace.from_config`';
const filePath = path.join(args.folder, args.file);

const browser = await chromium.launch({
  executablePath: args.chromium || '/usr/bin/chromium',
  headless: true,
  timeout: args.timeout,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-sync',
    '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage'],
});
// a compact viewport keeps the README screenshot small
const page = await browser.newPage({
  viewport: { width: Number(args.width || 1120), height: Number(args.height || 700) },
  deviceScaleFactor: 1,
});
page.setDefaultTimeout(args.timeout);
const consoleErrors = [];
page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text().slice(0, 300)); });
step('browser');

// The squiggle decoration on editor line LINE (1-based): decorations are absolutely
// positioned, so match their vertical position against the line number in the gutter.
async function squiggleOnLine(line) {
  const num = page.locator('.monaco-editor .margin-view-overlays .line-numbers', { hasText: new RegExp(`^${line}$`) }).first();
  const deadline = Date.now() + args.timeout;
  while (Date.now() < deadline) {
    const nb = await num.boundingBox().catch(() => null);
    if (nb) {
      for (const s of await page.locator('.monaco-editor .view-overlays [class*="squiggly-"]').all()) {
        const cls = (await s.getAttribute('class').catch(() => '')) || '';
        if (cls.includes('squiggly-inline')) continue; // deprecated strike-through etc., not the squiggle
        const b = await s.boundingBox().catch(() => null);
        if (b && b.width > 0 && Math.abs((b.y + b.height / 2) - (nb.y + nb.height / 2)) < nb.height / 2) {
          return { box: b, cls };
        }
      }
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`no squiggle on line ${line} within ${args.timeout} ms`);
}

const squiggleCount = () => page.locator('.monaco-editor .view-overlays [class*="squiggly-"]:not([class*="squiggly-inline"])').count();

let original = null;
try {
  original = fs.readFileSync(filePath, 'utf8');
  await page.goto(`${args.url}/?folder=${encodeURIComponent(args.folder)}`, { timeout: args.timeout });
  await page.locator('.monaco-workbench').waitFor();
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor();
  step('workbench');

  // open the file from the Explorer (single click opens it: previews are off)
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: args.file }).first();
  await row.waitFor();
  await row.click();
  await page.locator(`.tab[aria-label*="${args.file}"]`).first().waitFor();
  await page.locator('.monaco-editor .view-lines').first().waitFor();
  step('file_open');

  // diagnostics: the squiggle under `Workspace.from_config()` (AML101, line 4)
  const sq = await squiggleOnLine(4);
  report.squiggle_class = sq.cls;
  step('squiggle');

  // the Problems panel (Ctrl+Shift+M) lists the AML101 entry
  await page.keyboard.press('Control+Shift+M');
  const panel = page.locator('.markers-panel');
  const entry = panel.locator('.monaco-list-row', { hasText: 'AML101' }).first();
  await entry.waitFor();
  report.problems_entry = (await entry.innerText()).trim();
  report.problems_text = (await panel.innerText()).trim();
  step('problems_panel');

  // hover the squiggle: the diagnostic plus the server's hover with the v2 mapping
  const sq2 = await squiggleOnLine(4); // the panel resized the editor: measure again
  await page.mouse.move(sq2.box.x + Math.min(40, sq2.box.width / 2), sq2.box.y + sq2.box.height / 2);
  const hover = page.locator('.monaco-hover:not(.hidden)')
    .filter({ hasText: 'workspace-from-config' }).filter({ hasText: 'MLClient.from_config' }).first();
  await hover.waitFor();
  await page.waitForTimeout(300); // let the hover finish its layout before the screenshot
  report.hover_text = (await hover.innerText()).trim();
  step('hover');
  if (args.screenshot) {
    await page.screenshot({ path: args.screenshot });
    step('screenshot');
  }
  await page.mouse.move(5, 5);
  await page.keyboard.press('Escape');
  await hover.waitFor({ state: 'hidden' }).catch(() => {});

  // Ctrl+. on the squiggle.  locator.click() is refused (the view-lines layer intercepts
  // pointer events) and would scroll the editor: click the coordinates instead.
  const sq3 = await squiggleOnLine(4);
  await page.mouse.click(sq3.box.x + Math.min(20, sq3.box.width / 2), sq3.box.y + sq3.box.height / 2);
  await page.keyboard.press('Control+Period');
  // VS Code >= 1.10x also renders an empty '.action-list-submenu-panel action-widget'
  const widget = page.locator('.action-widget:not(.action-list-submenu-panel)').first();
  await widget.waitFor();
  const fix = widget.locator('.monaco-list-row', { hasText: FIX_TITLE }).first();
  await fix.waitFor();
  report.quickfix_menu = (await widget.innerText()).trim();
  step('quickfix_menu');
  // clicking a row is intercepted by the context view's pointer block: move the focus
  // with the arrow keys to the row titled FIX_TITLE, then Enter (as a keyboard user would)
  const focused = widget.locator('.monaco-list-row.focused');
  const rows = await widget.locator('.monaco-list-row.action').count();
  for (let i = 0; i <= rows; i++) {
    const label = (await focused.first().getAttribute('aria-label').catch(() => '')) || '';
    if (label.startsWith(FIX_TITLE)) break;
    if (i === rows) throw new Error(`could not focus the quick fix "${FIX_TITLE}..." (last focused: "${label}")`);
    await page.keyboard.press('ArrowDown');
  }
  report.quickfix_chosen = await focused.first().getAttribute('aria-label');
  await page.keyboard.press('Enter');
  await widget.waitFor({ state: 'hidden' });
  // vscode-languageclient resolves the action (codeAction/resolve) and applies the edit;
  // save only once the editor shows it, or Ctrl+S would save the old text
  await page.locator('.monaco-editor .view-lines', { hasText: 'MLClient.from_config(DefaultAzureCredential())' }).first().waitFor();
  step('fix_applied');
  await page.keyboard.press('Control+S');
  // the save truncates, then writes: wait for new, non-empty content that stays the same
  // over two consecutive reads
  const deadline = Date.now() + args.timeout;
  let text = fs.readFileSync(filePath, 'utf8');
  let previous = null;
  while ((text === original || text === '' || text !== previous) && Date.now() < deadline) {
    await page.waitForTimeout(50);
    previous = text;
    text = fs.readFileSync(filePath, 'utf8');
  }
  report.after_text = text;
  report.saved = text !== original && text !== '';
  if (!report.saved) throw new Error('the file on disk did not change after Ctrl+S');
  step('saved');

  // the diagnostics are pulled again for the new version: every squiggle goes away
  const d2 = Date.now() + args.timeout;
  let n = await squiggleCount();
  while (n > 0 && Date.now() < d2) {
    await page.waitForTimeout(50);
    n = await squiggleCount();
  }
  report.squiggles_after = n;
  // the Problems panel updates a moment after the editor decorations
  await panel.getByText('No problems have been detected').first().waitFor({ timeout: Math.max(1000, d2 - Date.now()) })
    .catch(() => {});
  report.problems_after = (await panel.innerText().catch(() => '')).trim();
  step('diagnostics_cleared');
  report.ok = true;
} catch (e) {
  report.error = String((e && e.stack) || e).slice(0, 3000);
} finally {
  if (args.finalScreenshot) await page.screenshot({ path: args.finalScreenshot }).catch(() => {});
  report.console_errors = consoleErrors.slice(0, 20);
  report.total_ms = Date.now() - t0;
  await browser.close().catch(() => {});
  process.stdout.write(JSON.stringify(report) + '\n');
  process.exit(report.ok ? 0 : 1);
}
