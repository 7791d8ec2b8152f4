/** The "Try it" page of a run that saved a model: a pad to draw a digit or an image to pick, the 28×28 the model saw, its class probabilities. */
import { appPage, escapeHtml } from './layout';
import { RunRef, runHref } from './run-page';

/** Where the page's script loads model.json, its weight files and preprocessing.json from. */
export function modelHref(run: RunRef): string {
  return `${runHref(run)}/model/`;
}

export function tryPage(run: RunRef): string {
  const name = `${run.experiment}/${run.runId}`;
  const body = `<h1>Try ${escapeHtml(name)}</h1>
<p class="muted">Draw a digit or pick a PNG or JPEG image. The run's saved model (<code>model/model.json</code>) classifies it in this browser with TensorFlow.js, after the same preparation as <code>pipeline predict</code>. <a href="${runHref(run)}">Back to the run</a></p>
<p id="try-status" class="panel" role="status">Loading the model…</p>
<div id="try" class="try" data-model="${modelHref(run)}">
<section class="panel try-input">
<h2>Draw a digit</h2>
<canvas id="pad" width="280" height="280" aria-label="Drawing pad: draw one digit with the mouse, a pen or a finger"></canvas>
<div class="toolbar"><button id="clear" type="button">Clear</button><input id="file" type="file" accept="image/png,image/jpeg" class="visually-hidden"><label class="button" for="file">Choose an image…</label></div>
</section>
<section class="panel try-seen">
<h2>What the model saw</h2>
<canvas id="seen" width="28" height="28" aria-label="The 28×28 image given to the model"></canvas>
<p id="seen-note" class="muted"></p>
</section>
<section class="panel try-result">
<h2>Prediction</h2>
<p id="prediction" class="prediction" aria-live="polite"><span class="muted">—</span></p>
<div id="probabilities" class="bars" role="list" aria-label="Class probabilities"></div>
</section>
</div>`;
  return appPage(`Try ${name}`, body, 'try-digit');
}
