/**
 * Airflow 3's web UI, looked at as a person running the pipeline would: sign in on
 * SimpleAuthManager's login page, open the DAG, see its latest run succeeded, open a task of that
 * run and find its summary line in the task's log. A screenshot is taken at each step, so a
 * failure can be seen as well as read.
 *
 * Elements are found by their role and accessible name (what a screen reader announces), which
 * Airflow keeps across releases more than its generated CSS classes.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { launchChromium } from './headless-chromium.ts';
import { logSearchText } from './log-search-text.ts';

export interface AirflowUiCheck {
  /** Where the UI is served, e.g. a port-forward to the api-server: http://127.0.0.1:8080. */
  readonly baseUrl: string;
  readonly username: string;
  readonly password: string;
  readonly dagId: string;
  readonly taskId: string;
  /** A line of the task's log must match it: the step's summary line. */
  readonly summaryPattern: RegExp;
  /**
   * Typed into the log's search box, which brings the first line containing it into view: the log
   * is rendered a screenful at a time, so a line out of view is not on the page. By default the
   * literal text summaryPattern starts with.
   */
  readonly summarySearch?: string;
  /** Created when missing; the screenshots of an earlier check there are deleted. */
  readonly screenshotDir: string;
  /** How long each step may wait for the UI, 60 s by default. */
  readonly timeoutMs?: number;
}

export interface AirflowUiResult {
  /** In the order taken; the last one shows where a failed check stopped. */
  readonly screenshots: readonly string[];
  /** The run the DAG's page shows as its latest. */
  readonly runId?: string;
  /** The text of the log line that matched summaryPattern. */
  readonly summaryLine?: string;
  /** Why the check failed, naming the step and the page it was on; undefined when it passed. */
  readonly failure?: string;
}

/** Run states after which the run's page no longer changes by itself. */
const FINISHED_RUN_STATES = new Set(['success', 'failed']);
/** How often the DAG's page is reloaded while its latest run has not finished. */
const RELOAD_INTERVAL_MS = 3000;

/** The screenshots' names: their order, then the step. */
const SCREENSHOT_NAME = /^\d{2}-[a-z-]+\.png$/;

/** Thrown by a step: what was expected and not seen. */
class UiExpectation extends Error {
  override name = 'UiExpectation';
}

export async function checkAirflowUi(check: AirflowUiCheck): Promise<AirflowUiResult> {
  const summarySearch = check.summarySearch ?? logSearchText(check.summaryPattern);
  if (summarySearch === '') {
    throw new Error(
      `${String(check.summaryPattern)} starts with no literal text to search the log for: give summarySearch`,
    );
  }
  const timeout = check.timeoutMs ?? 60_000;
  const root = check.baseUrl.replace(/\/+$/, '');
  fs.mkdirSync(check.screenshotDir, { recursive: true });
  // An earlier check's screenshots, which a shorter check would leave beside its own.
  for (const file of fs.readdirSync(check.screenshotDir)) {
    if (SCREENSHOT_NAME.test(file)) fs.rmSync(path.join(check.screenshotDir, file));
  }

  const browser = await launchChromium();
  const screenshots: string[] = [];
  const outcome: { runId?: string; summaryLine?: string } = {};
  let step = 'opening the UI';
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(timeout);
    const screenshot = async (name: string): Promise<void> => {
      const file = path.join(check.screenshotDir, `${String(screenshots.length + 1).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      screenshots.push(file);
    };

    try {
      step = 'signing in';
      await signIn(page, root, check, screenshot);

      step = `the latest run on the page of DAG ${check.dagId}`;
      const run = await latestRun(page, `${root}/dags/${encodeURIComponent(check.dagId)}`, timeout);
      outcome.runId = run.runId;
      await screenshot('dag');
      if (run.state !== 'success') throw new UiExpectation(`the latest run ${run.runId} is ${run.state}, not success`);

      step = `task ${check.taskId} of run ${run.runId}`;
      // The run link's own path keeps any base path the UI is served under, and its run id encoding.
      await page.goto(new URL(`${run.href.replace(/\/+$/, '')}/tasks/${encodeURIComponent(check.taskId)}`, root).href);
      const taskState = await taskInstanceState(page, check.taskId, timeout);
      if (!/^success$/i.test(taskState)) throw new UiExpectation(`the task instance is ${taskState}, not success`);
      outcome.summaryLine = await summaryInLog(page, summarySearch, check.summaryPattern);
      await screenshot('task-log');
    } catch (error) {
      const where = page.url();
      await screenshot('failed').catch(() => undefined);
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      return { screenshots, ...outcome, failure: `${step}: ${message} (at ${where})` };
    }
  } catch (error) {
    return { screenshots, ...outcome, failure: `${step}: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    await browser.close();
  }
  return { screenshots, ...outcome };
}

/** Signs in through the login form when the UI asks for it (an open UI goes straight in). */
async function signIn(
  page: Page,
  root: string,
  check: AirflowUiCheck,
  screenshot: (name: string) => Promise<void>,
): Promise<void> {
  await page.goto(`${root}/`);
  const username = page.getByRole('textbox', { name: 'Username' });
  // The navigation's Dags entry is there on every page of the signed-in UI.
  const signedIn = page.getByRole('link', { name: 'Dags', exact: true });
  await username.or(signedIn).first().waitFor();
  if (!(await username.isVisible())) {
    await screenshot('signed-in');
    return;
  }
  await username.fill(check.username);
  await page.getByRole('textbox', { name: 'Password' }).fill(check.password);
  await screenshot('sign-in');
  await page.getByRole('button', { name: 'Sign in' }).click();
  // A refused login stays on the form, above which the API's answer is shown: "401 Unauthorized".
  const refused = page.getByText(/\b4\d\d [A-Z][a-z]+|Invalid credentials/);
  await signedIn.or(refused).first().waitFor();
  if (!(await signedIn.isVisible())) {
    const answer = (await refused.first().innerText()).replace(/\s+/g, ' ').trim();
    throw new UiExpectation(`the login form refused user ${check.username}: ${answer}`);
  }
  await screenshot('signed-in');
}

interface LatestRun {
  readonly runId: string;
  readonly state: string;
  readonly href: string;
}

/** The "Latest Run" of the DAG's header: waits, reloading, for it to finish. */
async function latestRun(page: Page, dagUrl: string, timeout: number): Promise<LatestRun> {
  const deadline = Date.now() + timeout;
  for (;;) {
    await page.goto(dagUrl);
    const heading = page.getByRole('heading', { name: 'Latest Run', exact: true });
    const notFound = page.getByText('Dag Not Found', { exact: true });
    await heading
      .or(notFound)
      .first()
      .waitFor({ timeout: Math.max(deadline - Date.now(), 1000) });
    if (await notFound.isVisible()) throw new UiExpectation('Airflow has no such DAG (has its file been parsed?)');
    const run = await runShownUnder(heading);
    if (run && FINISHED_RUN_STATES.has(run.state)) return run;
    if (Date.now() + RELOAD_INTERVAL_MS > deadline) {
      throw new UiExpectation(
        run ? `the latest run ${run.runId} is still ${run.state}` : 'the page shows no latest run (has the DAG run?)',
      );
    }
    await page.waitForTimeout(RELOAD_INTERVAL_MS);
  }
}

/**
 * The run linked beside a heading: its id from the link's path, its state from the link's
 * accessible name, which ends with the state badge's label ("2024-05-01 08:00:00 success").
 */
async function runShownUnder(heading: Locator): Promise<LatestRun | undefined> {
  const link = heading.locator('xpath=..').getByRole('link');
  if ((await link.count()) === 0) return undefined;
  const href = (await link.first().getAttribute('href')) ?? '';
  const runId = decodeURIComponent(/\/runs\/([^/]+)\/?$/.exec(href)?.[1] ?? '');
  const name = /- link "(.*)"/.exec(await link.first().ariaSnapshot())?.[1] ?? '';
  const state = name.trim().split(/\s+/).at(-1) ?? '';
  if (runId === '' || state === '') throw new UiExpectation(`unexpected latest run link: ${href} "${name}"`);
  return { runId, state, href };
}

/**
 * The state shown beside the task instance's name, at the top of its page ("Success"). Airflow
 * 3.3's page says "No Task Instance found" whenever it holds no task instance, so also until its
 * query answers: a slow answer on a loaded CI machine once failed a task that had succeeded. The
 * page is reloaded until the name shows or the step's time is up; only then is the task missing.
 */
async function taskInstanceState(page: Page, taskId: string, timeout: number): Promise<string> {
  const deadline = Date.now() + timeout;
  const name = page.getByRole('heading', { name: taskId, exact: true, level: 2 });
  const missing = page.getByRole('heading', { name: 'No Task Instance found' });
  for (;;) {
    await name
      .or(missing)
      .first()
      .waitFor({ timeout: Math.max(deadline - Date.now(), 1000) });
    if (!(await missing.isVisible())) break;
    const shown = await name.waitFor({ timeout: RELOAD_INTERVAL_MS }).then(
      () => true,
      () => false,
    );
    if (shown) break;
    if (Date.now() + RELOAD_INTERVAL_MS > deadline) throw new UiExpectation(`the run has no task ${taskId}`);
    await page.reload();
  }
  // The badge's text is the state; the headings beside it hold the name and an icon.
  const header = (await name.locator('xpath=..').innerText()).split('\n').map((part) => part.trim());
  return header.filter((part) => part !== '' && part !== taskId).join(' ') || '(no state shown)';
}

/** Searches the task's log and returns the first line matching `pattern`. */
async function summaryInLog(page: Page, search: string, pattern: RegExp): Promise<string> {
  const searchBox = page.getByRole('textbox', { name: 'Search logs...' });
  await searchBox.waitFor();
  // The log is fetched after the page shows, behind a progress bar: search it once it is there.
  await page.getByRole('progressbar').first().waitFor({ state: 'hidden' });
  await searchBox.fill(search);
  const line = page.getByText(pattern).first();
  try {
    await line.waitFor();
  } catch {
    throw new UiExpectation(`no log line matches ${String(pattern)} (searched for "${search}")`);
  }
  await line.scrollIntoViewIfNeeded();
  return (await line.innerText()).trim();
}
