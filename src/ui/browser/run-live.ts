/** Run and compare pages in the browser: report frames sized to their content, and a running run followed by server-sent events. */

interface Progress {
  state: string;
  reason?: string;
  folds: { history: unknown[] }[];
  hasReport: boolean;
}

/** Same-origin frames: their document's height is readable, so the page scrolls as one. */
function fitFrames(): void {
  document.querySelectorAll<HTMLIFrameElement>('iframe.report-frame').forEach((frame) => {
    const fit = () => {
      const doc = frame.contentDocument;
      if (doc?.body) frame.style.height = `${doc.documentElement.scrollHeight}px`;
    };
    frame.addEventListener('load', fit);
    fit();
  });
}

function follow(run: HTMLElement): void {
  const href = run.dataset.href!;
  const state = document.getElementById('run-state')!;
  const reason = document.getElementById('run-reason')!;
  const liveBody = document.getElementById('live-body');
  let epochs = -1;
  const events = new EventSource(`${href}/events`);
  events.addEventListener('progress', (event) => {
    const progress = JSON.parse((event as MessageEvent<string>).data) as Progress;
    state.textContent = progress.state;
    state.className = `state state-${progress.state}`;
    run.dataset.state = progress.state;
    reason.textContent = progress.reason ?? '';
    const done = progress.folds.reduce((n, f) => n + f.history.length, 0);
    if (progress.hasReport) {
      events.close();
      void refresh(`${href}/live`, document.getElementById('report')!).then(() => {
        document.getElementById('live')?.remove();
        run.dataset.report = 'true';
        fitFrames();
      });
    } else if (done !== epochs && liveBody) {
      epochs = done;
      void refresh(`${href}/live`, liveBody);
    }
    if (progress.state !== 'running' && !progress.hasReport) events.close();
  });
}

async function refresh(url: string, target: HTMLElement): Promise<void> {
  const response = await fetch(url);
  if (response.ok) target.innerHTML = await response.text();
}

fitFrames();
const run = document.getElementById('run');
if (run && run.dataset.report !== 'true') follow(run);
