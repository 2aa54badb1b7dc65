import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './style.css';

// Polls the API every POLL_MS and keeps HISTORY points per pipeline to chart throughput and lag.
const POLL_MS = 2000;
const HISTORY = 150;
const series = new Map(); // pipeline id -> { time: [], recordsPerSecond: [], lag: [], last: {...} }
const charts = new Map(); // pipeline id + chart name -> uPlot

const tokenKey = 'floe.apiToken';
const tokenForm = document.getElementById('token-form');
const connection = document.getElementById('connection');

tokenForm.addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(tokenKey, document.getElementById('token').value);
  poll();
});

async function api(path, method = 'GET') {
  const headers = {};
  const token = sessionStorage.getItem(tokenKey);
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(`../api${path}`, { method, headers });
  if (response.status === 401) {
    tokenForm.hidden = false;
    throw new Error('the API needs a token');
  }
  if (!response.ok) throw new Error((await response.json()).message || response.statusText);
  return response.json();
}

const number = (n) => (n == null ? '–' : Number(n).toLocaleString('en-US', { maximumFractionDigits: 1 }));
const bytes = (n) => {
  if (n == null) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return `${value.toFixed(unit ? 1 : 0)} ${units[unit]}`;
};
const millis = (ms) => (ms == null ? '–' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);
// the local wall-clock time as HH:MM:SS; not toLocaleTimeString, which throws when the browser's
// default locale is not a valid language tag (a POSIX locale such as en-US@posix)
const clock = (date) => date.toTimeString().slice(0, 8);
const time = (iso) => (iso ? clock(new Date(iso)) : '–');
const escape = (text) => String(text ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

function sample(pipeline) {
  const now = Date.now() / 1000;
  const recordsIn = pipeline.operators.filter((o) => o.operator === 'source').reduce((sum, o) => sum + o.recordsIn, 0);
  const lag = pipeline.lag.reduce((sum, p) => sum + p.lag, 0);
  let history = series.get(pipeline.id);
  if (!history) {
    history = { time: [], recordsPerSecond: [], lag: [], last: null, operatorRates: new Map(), previousOperators: new Map() };
    series.set(pipeline.id, history);
  }
  const rate = history.last ? Math.max(0, (recordsIn - history.last.recordsIn) / (now - history.last.time)) : 0;
  history.operatorRates = new Map();
  for (const operator of pipeline.operators) {
    const key = `${operator.operator}-${operator.subtask}`;
    const count = operator.operator === 'source' ? operator.recordsIn : operator.recordsOut;
    const previous = history.previousOperators.get(key);
    history.operatorRates.set(key, previous ? Math.max(0, (count - previous.count) / (now - previous.time)) : 0);
    history.previousOperators.set(key, { count, time: now });
  }
  const waited = pipeline.backpressure.waitedMillis;
  history.backpressure = history.last ? Math.min(1, Math.max(0, (waited - history.last.waited) / 1000 / (now - history.last.time))) : 0;
  history.last = { time: now, recordsIn, waited };
  history.time.push(now);
  history.recordsPerSecond.push(rate);
  history.lag.push(lag);
  if (history.time.length > HISTORY) {
    history.time.shift();
    history.recordsPerSecond.shift();
    history.lag.shift();
  }
  return history;
}

function section(pipeline) {
  let element = document.querySelector(`section[data-pipeline="${CSS.escape(pipeline.id)}"]`);
  if (!element) {
    element = document.createElement('section');
    element.className = 'pipeline';
    element.dataset.pipeline = pipeline.id;
    element.innerHTML = `
      <h2><span class="name"></span><span class="badge state"></span><span class="badge held" hidden>held</span></h2>
      <div class="meta"></div>
      <div class="graph"></div>
      <div class="actions">
        <button data-action="checkpoints">Checkpoint now</button>
        <button data-action="pause">Pause</button>
        <button data-action="resume">Resume</button>
        <span class="action-result"></span>
      </div>
      <div class="kpis"></div>
      <div class="grid">
        <div class="panel"><h3>Throughput (records/s)</h3><div class="chart throughput-chart"></div></div>
        <div class="panel"><h3>Lag (records behind)</h3><div class="chart lag-chart"></div></div>
        <div class="panel"><h3>Operators</h3><table class="operators"></table></div>
        <div class="panel"><h3>Lag per partition</h3><table class="partitions"></table></div>
        <div class="panel"><h3>Checkpoints</h3><table class="checkpoints"></table></div>
        <div class="panel"><h3>Commits per table</h3><table class="tables"></table></div>
        <div class="panel"><h3>Dead letters</h3><div class="dead-letters"></div></div>
      </div>`;
    element.querySelectorAll('button[data-action]').forEach((button) => {
      button.addEventListener('click', async () => {
        const result = element.querySelector('.action-result');
        try {
          const answer = await api(`/pipelines/${encodeURIComponent(pipeline.id)}/${button.dataset.action}`, 'POST');
          result.textContent = answer.checkpointId ? `checkpoint ${answer.checkpointId} triggered` : 'done';
        } catch (error) {
          result.textContent = error.message;
        }
        poll();
      });
    });
    document.getElementById('pipelines').appendChild(element);
  }
  return element;
}

function chart(element, pipelineId, name, data, label) {
  const key = `${pipelineId}/${name}`;
  const container = element.querySelector(`.${name}-chart`);
  let plot = charts.get(key);
  if (!plot) {
    plot = new uPlot({
      width: Math.max(320, container.clientWidth || 420),
      height: 160,
      series: [{}, { label, stroke: name === 'lag' ? '#c0392b' : '#2471a3', width: 2 }],
      axes: [{}, { size: 70 }],
      legend: { show: false },
    }, data, container);
    charts.set(key, plot);
  } else {
    plot.setData(data);
  }
}

function render(pipeline) {
  const history = sample(pipeline);
  const element = section(pipeline);
  element.querySelector('.name').textContent = pipeline.id;
  const state = element.querySelector('.state');
  state.textContent = pipeline.state;
  state.className = `badge state state-${pipeline.state}`;
  element.querySelector('.held').hidden = !pipeline.held;
  element.querySelector('.meta').innerHTML = `${escape(pipeline.source)} → ${escape(pipeline.sink)} · parallelism ${pipeline.parallelism}`
    + ` · restarts ${pipeline.restarts}${pipeline.failure ? ` · <span class="failure">${escape(pipeline.failure)}</span>` : ''}`;

  const sourceRate = [...history.operatorRates.entries()].filter(([k]) => k.startsWith('source-')).reduce((s, [, v]) => s + v, 0);
  const keyedRate = [...history.operatorRates.entries()].filter(([k]) => k.startsWith('keyed-')).reduce((s, [, v]) => s + v, 0);
  element.querySelector('.graph').innerHTML = pipeline.keyed
    ? `<span class="node">source ×${pipeline.parallelism}<br>${number(sourceRate)}/s</span><span class="edge">→ keyBy (backpressure ${(history.backpressure * 100).toFixed(0)}%, ${pipeline.backpressure.queued}/${pipeline.backpressure.capacity} queued) →</span>`
      + `<span class="node">keyed ×${pipeline.parallelism}<br>${number(keyedRate)}/s</span><span class="edge">→</span><span class="node">sink</span>`
    : `<span class="node">source → decode → transforms ×${pipeline.parallelism}<br>${number(sourceRate)}/s</span><span class="edge">→</span><span class="node">sink</span>`;

  const recordsIn = history.last.recordsIn;
  const lag = pipeline.lag.reduce((sum, p) => sum + p.lag, 0);
  const committed = pipeline.tables.reduce((sum, t) => sum + t.records, 0);
  element.querySelector('.kpis').innerHTML = [
    ['throughput', `${number(history.recordsPerSecond.at(-1))}/s`, 'records/s in'],
    ['records-in', number(recordsIn), 'records read'],
    ['committed', number(committed), 'rows committed'],
    ['lag', number(lag), 'lag (records)'],
    ['last-checkpoint', number(pipeline.checkpoints.lastCommitted), 'last committed checkpoint'],
    ['dead-letters', number(pipeline.deadLetters.total), 'dead letters'],
  ].map(([name, value, caption]) => `<div class="kpi" data-kpi="${name}"><b>${value}</b><span>${caption}</span></div>`).join('');

  chart(element, pipeline.id, 'throughput', [history.time, history.recordsPerSecond], 'records/s');
  chart(element, pipeline.id, 'lag', [history.time, history.lag], 'lag');

  element.querySelector('.operators').innerHTML = '<tr><th>operator</th><th>subtask</th><th>records/s</th><th>in</th><th>out</th><th>bytes in</th><th>watermark delay</th></tr>'
    + pipeline.operators.map((o) => `<tr><td>${o.operator}</td><td>${o.subtask}</td><td>${number(history.operatorRates.get(`${o.operator}-${o.subtask}`))}</td>`
      + `<td>${number(o.recordsIn)}</td><td>${number(o.recordsOut)}</td><td>${bytes(o.bytesIn)}</td><td>${millis(o.watermarkDelayMillis)}</td></tr>`).join('');
  element.querySelector('.partitions').innerHTML = '<tr><th>partition</th><th>lag</th></tr>'
    + pipeline.lag.map((p) => `<tr><td>${escape(p.topic)}-${p.partition}</td><td>${number(p.lag)}</td></tr>`).join('');
  element.querySelector('.checkpoints').innerHTML = '<tr><th>id</th><th>status</th><th>at</th><th>duration</th><th>records</th><th>size</th><th>dead letters</th></tr>'
    + pipeline.checkpoints.history.slice(-15).reverse().map((c) => `<tr class="checkpoint-row" data-checkpoint="${c.id}" title="${escape(c.failure)}"><td>${c.id}</td><td>${c.status}</td>`
      + `<td>${time(c.triggeredAt)}</td><td>${millis(c.durationMillis)}</td><td>${number(c.records)}</td><td>${bytes(c.bytes)}</td><td>${number(c.deadLetters)}</td></tr>`).join('');
  element.querySelector('.tables').innerHTML = '<tr><th>table</th><th>commits</th><th>rows</th><th>files</th><th>avg file</th><th>last checkpoint</th><th>last commit</th><th>failures</th></tr>'
    + pipeline.tables.map((t) => `<tr class="table-row"><td>${escape(t.table)}</td><td>${number(t.commits)}</td><td>${number(t.records)}</td><td>${number(t.files)}</td>`
      + `<td>${bytes(t.files ? t.bytes / t.files : null)}</td><td>${t.lastCheckpointId}</td><td>${time(t.lastCommitAt)} (${millis(t.lastDurationMillis)})</td>`
      + `<td title="${escape(t.lastFailure)}">${number(t.failures)}</td></tr>`).join('');
  const codes = Object.entries(pipeline.deadLetters.byCode);
  element.querySelector('.dead-letters').innerHTML = `<p>${number(pipeline.deadLetters.total)} in total${codes.length ? ': ' + codes.map(([code, count]) => `${escape(code)} ${number(count)}`).join(', ') : ''}</p>`
    + `<ul class="reasons">${pipeline.deadLetters.latest.slice(0, 8).map((r) => `<li>${time(r.at)} ${escape(r.location)} <b>${escape(r.code)}</b> ${escape(r.reason)}</li>`).join('')}</ul>`;
}

// the bucket's label: its upper bound, or "> previous bound" for the last, open one
function bucketLabel(buckets, index) {
  const le = buckets[index].le;
  return le === '+Inf' ? `> ${bytes(buckets[index - 1]?.le ?? 0)}` : `≤ ${bytes(le)}`;
}

function fileSizes(sizes) {
  if (!sizes) return '<p>no snapshot yet</p>';
  const most = Math.max(1, ...sizes.buckets.map((b) => b.files));
  return `<p class="files-summary">${number(sizes.files)} data files, ${bytes(sizes.bytes)}, avg ${bytes(sizes.files ? sizes.bytes / sizes.files : null)} · snapshot ${sizes.snapshotId}</p>`
    + '<div class="histogram">'
    + sizes.buckets.map((b, i) => `<div class="bucket" data-le="${b.le}" data-files="${b.files}" title="${b.files} files ${escape(bucketLabel(sizes.buckets, i))}">`
      + `<span class="bar" style="height:${Math.round((b.files / most) * 100)}%"></span><span class="count">${b.files ? number(b.files) : ''}</span>`
      + `<span class="label">${escape(bucketLabel(sizes.buckets, i))}</span></div>`).join('')
    + '</div>';
}

function compactionRuns(runs) {
  if (!runs.length) return '<p>no run yet</p>';
  return '<table class="compactions"><tr><th>at</th><th>trigger</th><th>outcome</th><th>files before → after</th><th>rewritten</th><th>written</th><th>duration</th></tr>'
    + runs.map((r) => `<tr class="compaction-row" data-outcome="${r.outcome}" title="${escape(r.failure)}"><td>${time(r.startedAt)}</td><td>${escape(r.trigger)}</td><td>${r.outcome}</td>`
      + `<td>${number(r.filesBefore)} → ${number(r.filesAfter)}</td><td>${number(r.rewrittenFiles)} files, ${bytes(r.rewrittenBytes)}</td>`
      + `<td>${number(r.addedFiles)} files, ${bytes(r.addedBytes)}</td><td>${millis(r.durationMillis)}</td></tr>`).join('')
    + '</table>';
}

function renderTable(table) {
  const list = document.getElementById('table-list');
  let element = list.querySelector(`div[data-table="${CSS.escape(table.table)}"]`);
  if (!element) {
    element = document.createElement('div');
    element.className = 'table-section';
    element.dataset.table = table.table;
    element.innerHTML = `
      <h3><span class="name"></span></h3>
      <div class="actions"><button data-action="compact">Compact now</button><span class="action-result"></span></div>
      <div class="grid">
        <div class="panel"><h3>Data file sizes</h3><div class="file-sizes"></div></div>
        <div class="panel"><h3>Compaction runs</h3><div class="compaction-runs"></div></div>
      </div>`;
    element.querySelector('button[data-action="compact"]').addEventListener('click', async () => {
      const result = element.querySelector('.action-result');
      result.textContent = 'compacting…';
      try {
        const run = await api(`/tables/${encodeURIComponent(table.table)}/compactions`, 'POST');
        result.textContent = `${run.outcome}: ${run.rewrittenFiles} files into ${run.addedFiles} in ${millis(run.durationMillis)}`;
      } catch (error) {
        result.textContent = error.message;
      }
      poll();
    });
    list.appendChild(element);
  }
  element.querySelector('.name').textContent = table.table;
  element.querySelector('.file-sizes').innerHTML = fileSizes(table.fileSizes);
  element.querySelector('.compaction-runs').innerHTML = compactionRuns(table.compactions);
}

async function poll() {
  try {
    const [pipelines, tables] = await Promise.all([api('/pipelines'), api('/tables')]);
    connection.textContent = `live · ${clock(new Date())}`;
    tokenForm.hidden = true;
    pipelines.forEach(render);
    document.getElementById('tables').hidden = tables.length === 0;
    tables.forEach(renderTable);
  } catch (error) {
    connection.textContent = `not connected: ${error.message}`;
  }
}

poll();
setInterval(poll, POLL_MS);
