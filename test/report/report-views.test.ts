/** report.html and report.md: written by every run, every section there, and re-rendered by `pipeline report`. */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { pipeline } from '../support/cli';
import { readReport } from '../support/run-files';
import { STUDY_TIMEOUT, toyStudy } from '../support/toy-study';

const SECTIONS = ['accuracy', 'curves', 'spread', 'confusion', 'classes', 'misclassified', 'model', 'config', 'environment', 'timing'];

describe('report views', () => {
  let study: ReturnType<typeof toyStudy>;
  before(function () {
    this.timeout(STUDY_TIMEOUT);
    study = toyStudy();
  });

  it('writes a self-contained report.html with every section and a chart per figure', () => {
    const html = fs.readFileSync(path.join(study.runs.toy, 'report.html'), 'utf8');
    for (const id of SECTIONS) assert.match(html, new RegExp(`<section id="${id}">`), `section ${id}`);
    for (const chart of ['accuracy', 'loss', 'fold-accuracy', 'confusion'])
      assert.match(html, new RegExp(`data-chart="${chart}"><svg`), `chart ${chart}`);
    assert.doesNotMatch(html, /<script|<link|src="http|href="http/, 'nothing loaded from anywhere');
    assert.equal(html.match(/<img [^>]*src="data:image\/png;base64,/g)?.length, readReport(study.runs.toy).predictions!.misclassified.length);
    assert.match(html, /configs\/toy\.yaml<\/code> extends <code>configs\/base\.yaml/);
  });

  it('writes report.md whose every linked chart and image exists beside it', () => {
    const md = fs.readFileSync(path.join(study.runs.toy, 'report.md'), 'utf8');
    const links = [...md.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]);
    assert.ok(links.includes('charts/confusion.svg') && links.includes('charts/accuracy.svg'));
    for (const link of links) assert.ok(fs.existsSync(path.join(study.runs.toy, link)), `${link} exists`);
    assert.match(fs.readFileSync(path.join(study.runs.toy, 'charts', 'confusion.svg'), 'utf8'), /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(md, /\| fold \| train samples \| validation samples \| accuracy \|/);
  });

  it('pipeline report renders a report of the first version, made before these views existed', () => {
    const old = path.join(study.cwd, 'experiments', 'toy', '20000101-000000-0000');
    fs.mkdirSync(old, { recursive: true });
    const { schemaVersion: _s, config: _c, git: _g, predictions: _p, ...v1 } = readReport(study.runs.toy);
    v1.folds = v1.folds.map(({ predictions: _f, ...fold }) => fold);
    fs.writeFileSync(path.join(old, 'report.json'), JSON.stringify(v1));
    fs.copyFileSync(path.join(study.runs.toy, 'status.json'), path.join(old, 'status.json'));
    const result = pipeline(['report', old], study.cwd);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(
      result.stdout,
      `${path.join('experiments', 'toy', '20000101-000000-0000', 'report.html')}\n${path.join('experiments', 'toy', '20000101-000000-0000', 'report.md')}\n`,
    );
    const html = fs.readFileSync(path.join(old, 'report.html'), 'utf8');
    assert.match(html, /This report predates recorded configs/);
    assert.doesNotMatch(html, /id="confusion"/);
  });

  it('pipeline report names what it cannot find', () => {
    const result = pipeline(['report', 'nonesuch'], study.cwd);
    assert.equal(result.status, 2);
    assert.match(
      result.stderr,
      /error No run "nonesuch": it is neither a run folder, a run id, nor an experiment with runs in experiments\/\. Experiments with runs: base, (\w+, )*reseeded, toy\./,
      'other tests may add experiments',
    );
  });
});
