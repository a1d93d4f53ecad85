// One plugin graph: its drawing rules come from the web's GraphSpec (built from the plugin's metadata), its data
// from /api/hosts/{host}/plugins/{plugin}/data at as many points as the graph is wide.
'use strict';

const AlertColours = {CRITICAL: '#d62728', WARNING: '#ff9f1a', UNKNOWN: '#7f7f7f', OK: '#2e7d32'};

const Ranges = {hour: 3600, day: 86400, week: 7 * 86400, month: 31 * 86400, year: 366 * 86400};

// One time zone on every page, axes, legends and PNGs alike: UTC unless the user chose the browser's own (kept in
// this browser), and always said in the toolbar.
const TimeZone = {
  name: localStorage.getItem('numeter.tz') === 'local' ? 'local' : 'UTC',
  // the zone's IANA name, as the server's PNGs take it
  id() { return this.name === 'UTC' ? 'UTC' : Intl.DateTimeFormat().resolvedOptions().timeZone; },
  set(name) {
    this.name = name === 'local' ? 'local' : 'UTC';
    localStorage.setItem('numeter.tz', this.name);
  },
  // a datetime-local input's value (2026-11-30T22:15), read in the zone, as epoch seconds
  parseInput(value) {
    if (this.name === 'UTC') return Math.floor(Date.parse(value + 'Z') / 1000);
    return Math.floor(new Date(value).getTime() / 1000);
  },
  // "2026-11-30 22:15 UTC"
  format(ms) {
    const parts = {};
    for (const p of new Intl.DateTimeFormat('en-GB', {timeZone: this.id(), year: 'numeric', month: '2-digit',
      day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23'}).formatToParts(new Date(ms))) {
      parts[p.type] = p.value;
    }
    return parts.year + '-' + parts.month + '-' + parts.day + ' ' + parts.hour + ':' + parts.minute + ' '
      + this.id();
  },
};

// Every graph on the page by "host/plugin", so that tests (and curious operators) can read dygraphs' own state.
window.numeterGraphs = {};

// What the graphs of a page share: a zoom and a crosshair on one is on all (synchronised), and the page hears of
// every change a user makes (to write it in the URL). app.js sets the callbacks.
const GraphPage = {
  graphs: () => Object.values(window.numeterGraphs),
  onChange: () => {},
  // A zoom (or a pan) on one graph, or null for none: every graph of the page shows the same window.
  async zoomAll(from, to, origin) {
    await Promise.all(GraphPage.graphs().filter(g => g !== origin && g.dygraph)
      .map(g => from === null ? g.unzoom() : g.fetchWindow(from * 1000, to * 1000)));
  },
  highlight(x, origin) {
    for (const g of GraphPage.graphs()) {
      if (g === origin || !g.dygraph || !g.raw || !g.raw.length) continue;
      const row = g.rowAt(x);
      if (row === null) g.dygraph.clearSelection(); else g.dygraph.setSelection(row);
      g.showLegend(row);
    }
  },
  unhighlight(origin) {
    for (const g of GraphPage.graphs()) {
      if (g === origin || !g.dygraph) continue;
      g.dygraph.clearSelection();
      g.showLegend(null);
    }
  },
};

class NumeterGraph {
  // A plugin's graph: new NumeterGraph(host, plugin, title). A view's: NumeterGraph.ofView(view).
  // A plugin's graph: new NumeterGraph(host, plugin, title); on a page of several hosts, a test id of its own
  // (testId) and the host in its title (showHost).
  constructor(host, plugin, title, source, testId, showHost) {
    this.host = host;
    this.plugin = plugin;
    this.key = host + '/' + plugin;
    this.showHost = !!showHost;
    const base = '/api/hosts/' + encodeURIComponent(host) + '/plugins/' + encodeURIComponent(plugin);
    this.source = source || {specUrl: base, dataUrl: base + '/data', pngUrl: base + '/graph.png',
      testId: testId || plugin, filename: host + '_' + plugin + '.png', caption: host};
    this.events = () => [];
    this.loads = 0;
    this.zoomWindow = null;
    this.dygraph = null;
    this.graphDiv = el('div', {className: 'graph', 'data-testid': 'graph-' + this.source.testId});
    this.legendDiv = el('div', {className: 'legend'});
    this.toggles = el('div', {className: 'toggles'});
    this.status = el('div', {className: 'graph-status', text: 'loading…'});
    this.titleNode = el('h3', {text: title || plugin});
    this.pngLink = el('a', {className: 'button', text: 'PNG URL', target: '_blank', rel: 'noopener',
      'data-testid': 'png-url-' + this.source.testId,
      title: 'A stable address of this graph, for the range you see, as a PNG drawn by the server'});
    this.actions = el('span', {className: 'actions'},
      el('button', {type: 'button', className: 'button', text: 'PNG', 'data-testid': 'png-' + this.source.testId,
        title: 'Download this graph as you see it', onclick: () => this.downloadPng()}),
      this.pngLink);
    this.card = el('section', {className: 'card', id: 'plugin-' + this.source.testId, 'data-plugin': plugin},
      el('div', {className: 'card-head'}, this.titleNode, this.actions),
      this.status, this.graphDiv, this.legendDiv, this.toggles);
    window.numeterGraphs[this.key] = this;
  }

  // One plugin of several hosts overlaid: a comparison the server makes for the request (/api/compare).
  static ofComparison(plugin, hosts) {
    const query = '?plugin=' + encodeURIComponent(plugin) + '&hosts=' + hosts.map(encodeURIComponent).join(',');
    const source = {specUrl: '/api/compare' + query, dataUrl: '/api/compare/data' + query,
      pngUrl: '/api/compare/graph.png' + query, testId: 'compare', byIndex: true,
      filename: 'compare_' + plugin + '.png', caption: 'compare'};
    return new NumeterGraph('compare', plugin, plugin, source);
  }

  static ofView(view) {
    const base = '/api/views/' + view.id;
    const source = {spec: view.graph, dataUrl: base + '/data', pngUrl: base + '/graph.png', testId: 'view-' + view.id,
      filename: 'view_' + view.id + '.png', caption: 'view'};
    const graph = new NumeterGraph('view', String(view.id), view.name, source);
    graph.connect = true;
    return graph;
  }

  points() {
    return Math.max(100, Math.min(5000, Math.round((this.graphDiv.clientWidth || 600) * (this.widen || 1))));
  }

  // The key of a series in the page's URL (hide=...): plugin.field, or view-N.index for a view's.
  hideKey(i) {
    return this.source.testId + '.' + (this.host === 'view' || this.source.byIndex ? i : this.spec.series[i].field);
  }

  hiddenKeys() {
    return (this.visible || []).map((v, i) => v ? null : this.hideKey(i)).filter(k => k !== null);
  }

  // Opens on the page's range, or on a zoomed window {from, to} (epoch s), with the series whose keys are in hide.
  async load(range, zoom, hide) {
    this.range = range;
    try {
      this.spec = this.source.spec || (await Api.get(this.source.specUrl)).graph;
      this.titleNode.textContent = (this.showHost ? this.host + ': ' : '') + this.spec.title;
      this.visible = this.spec.series.map((s, i) => !(hide && hide.has(this.hideKey(i))));
      if (zoom) await this.fetchWindow(zoom.from * 1000, zoom.to * 1000);
      else await this.fetchAndDraw(range.from, range.to, null);
    } catch (e) {
      this.status.textContent = e.status === 503 ? 'unavailable: ' + e.message : 'error: ' + e.message;
      this.status.classList.add('error');
    }
  }

  // What the user sees: the zoomed window, or the page's range.
  visibleRange() {
    return this.zoomWindow || {from: this.range.from, to: this.range.to};
  }

  // The PNG of what the user sees (the same image for the PNG button and the PNG URL): the visible range at the
  // graph's size, without the hidden series, in the page's time zone.
  pngHref() {
    const {from, to} = this.visibleRange();
    const hidden = (this.visible || []).map((v, i) => v ? null : i).filter(i => i !== null);
    return this.source.pngUrl + (this.source.pngUrl.includes('?') ? '&' : '?') + 'from=' + from + '&to=' + to
      + '&width=' + Math.round(this.graphDiv.clientWidth || 600)
      + '&height=' + Math.round(this.graphDiv.clientHeight || 220)
      + (hidden.length ? '&hidden=' + hidden.join(',') : '')
      + (TimeZone.id() !== 'UTC' ? '&tz=' + encodeURIComponent(TimeZone.id()) : '');
  }

  updatePngLink() {
    if (this.range) this.pngLink.setAttribute('href', this.pngHref());
  }

  async fetchAndDraw(from, to, dateWindow) {
    const data = await Api.get(this.source.dataUrl + (this.source.dataUrl.includes('?') ? '&' : '?') + 'from=' + from
      + '&to=' + to + '&points=' + this.points());
    const rows = data.points.map(r => [new Date(r[0] * 1000)].concat(r.slice(1)));
    // What the storage said, kept for the legend; dygraphs gets the stacked sums (see plot()).
    this.raw = rows;
    this.lastFetch = {from, to, points: this.points(), rows: rows.length, step: data.step};
    if (rows.length === 0) {
      this.status.textContent = 'no data in this range';
      this.raw = [];
      if (this.dygraph) this.dygraph.updateOptions({file: [[new Date(from * 1000)].concat(this.spec.series.map(() => null))]});
      this.showLegend(null);
      this.updatePngLink();
      this.loads++;
      return;
    }
    // rows of unknown values only (a range before the host's first point): drawn empty, and said
    this.status.textContent = rows.every(r => r.slice(1).every(v => v === null)) ? 'no data in this range' : '';
    if (!this.dygraph) {
      if (!this.visible) this.visible = this.spec.series.map(() => true);
      this.buildToggles();
      this.dygraph = new Dygraph(this.graphDiv, this.plot(rows), Object.assign(this.options(),
        {visibility: this.visible.slice()}, dateWindow ? {dateWindow} : {}));
    } else {
      this.dygraph.updateOptions({file: this.plot(rows), dateWindow: dateWindow});
    }
    this.showLegend(null);
    this.annotate();
    this.updatePngLink();
    this.loads++;
  }

  // Events of the graph's hosts: a dashed line each, and a marker whose tooltip is the title.
  annotate() {
    if (!this.dygraph || !this.spec.series.length) return;
    const series = this.spec.series[0].label;
    const rows = this.dygraph.numRows();
    const first = rows ? this.dygraph.getValue(0, 0) : 0;
    const last = rows ? this.dygraph.getValue(rows - 1, 0) : 0;
    const marks = [];
    for (const e of this.events()) {
      const x = e.at * 1000;
      if (x < first || x > last) continue;
      // dygraphs places an annotation on an existing point: take the nearest row.
      let best = 0;
      for (let i = 1; i < rows; i++) {
        if (Math.abs(this.dygraph.getValue(i, 0) - x) < Math.abs(this.dygraph.getValue(best, 0) - x)) best = i;
      }
      // alert state changes are told apart from user events by their letter and colour
      marks.push({series, x: this.dygraph.getValue(best, 0), shortText: e.kind === 'alert' ? e.state[0] : 'E',
        text: e.title, cssClass: e.kind === 'alert' ? 'alert-mark alert-' + e.state.toLowerCase() : 'event-mark'});
    }
    this.dygraph.setAnnotations(marks);
  }

  // munin stacks per field: a STACK, AREASTACK or LINESTACK series stands on the previous visible series of its side
  // of the axis, every other series on zero. dygraphs' stackedGraph would stack them all, so the sums are made here
  // and each filled series is painted down to what it stands on (bandPlotter). Hidden series hold nothing up.
  plot(rows) {
    const series = this.spec.series;
    this.baseOf = {};
    let previous = {up: null, down: null};
    series.forEach((s, i) => {
      if (!this.visible[i]) return;
      const side = s.negate ? 'down' : 'up';
      this.baseOf[s.label] = s.stack ? previous[side] : null;
      previous[side] = i;
    });
    return rows.map(row => {
      const out = [row[0]];
      const top = {up: 0, down: 0};
      series.forEach((s, i) => {
        const v = row[i + 1];
        const side = s.negate ? 'down' : 'up';
        if (!this.visible[i]) {
          out.push(null);
          return;
        }
        // An unknown value stacks as nothing, so one missing field does not hide those above it.
        const value = v === null || v === undefined ? null : (s.stack ? top[side] : 0) + v;
        out.push(value);
        top[side] = value === null ? (s.stack ? top[side] : 0) : value;
      });
      return out;
    });
  }

  // Fills a series down to the series it stands on (or to zero), so stacked areas are bands that do not overlap.
  bandPlotter(e) {
    const spec = this.spec.series.find(s => s.label === e.setName);
    if (!spec || !spec.fill || !e.points.length) return;
    const g = e.dygraph;
    const area = e.plotArea;
    const zero = Math.min(area.y + area.h, Math.max(area.y, isFinite(g.toDomYCoord(0)) ? g.toDomYCoord(0)
      : area.y + area.h));
    const baseIndex = this.baseOf[e.setName];
    const base = new Map();
    if (baseIndex !== null && baseIndex !== undefined) {
      const names = g.layout_.setNames;
      const points = g.layout_.points[names.indexOf(this.spec.series[baseIndex].label)] || [];
      for (const p of points) if (isFinite(p.canvasy)) base.set(p.xval, p.canvasy);
    }
    const ctx = e.drawingContext;
    ctx.save();
    ctx.fillStyle = e.color;
    ctx.globalAlpha = 0.75;
    let run = [];
    const flush = () => {
      if (run.length > 0) {
        ctx.beginPath();
        ctx.moveTo(run[0].canvasx, run[0].canvasy);
        for (const p of run) ctx.lineTo(p.canvasx, p.canvasy);
        for (let k = run.length - 1; k >= 0; k--) {
          const b = base.get(run[k].xval);
          ctx.lineTo(run[k].canvasx, b === undefined ? zero : b);
        }
        ctx.closePath();
        ctx.fill();
      }
      run = [];
    };
    for (const p of e.points) {
      if (isFinite(p.canvasy)) run.push(p); else flush();
    }
    flush();
    ctx.restore();
  }

  options() {
    const spec = this.spec;
    const series = {};
    spec.series.forEach(s => { series[s.label] = {strokeWidth: s.width}; });
    const options = {
      labels: ['time'].concat(spec.series.map(s => s.label)),
      colors: spec.series.map(s => s.colour),
      series: series,
      stackedGraph: false,
      gridLineColor: Theme.colour('--grid') || '#e3e8ee',
      axisLineColor: Theme.colour('--axis') || '#52606d',
      plotter: [e => this.bandPlotter(e), Dygraph.Plotters.linePlotter],
      // A lone known point between gaps (a host's first minutes, a poller back from an outage) stays visible.
      drawGapEdgePoints: true,
      labelsUTC: TimeZone.name === 'UTC',
      labelsKMG2: spec.base === 1024,
      labelsKMB: spec.base !== 1024,
      logscale: spec.logarithmic,
      includeZero: !spec.logarithmic,
      // The legend is drawn by showLegend(): one entry per in/out pair, the values as the storage gave them.
      legend: 'never',
      highlightCallback: (event, x, points, row) => {
        this.showLegend(row);
        GraphPage.highlight(x, this);
      },
      unhighlightCallback: () => {
        this.showLegend(null);
        GraphPage.unhighlight(this);
      },
      // the legend's prefixes on the axis too: k, M, G (or Ki, Mi, Gi) above one, plain decimals below, never the
      // milli or pico dygraphs would write on an empty or small axis
      axes: {y: {axisLabelWidth: 56, axisLabelFormatter: v => formatValue(v, spec.base),
        valueFormatter: v => formatValue(v, spec.base)}},
      underlayCallback: (ctx, area, g) => this.drawLines(ctx, area, g),
      zoomCallback: (minX, maxX) => this.zoomed(minX, maxX),
      connectSeparatedPoints: !!this.connect,
      drawCallback: (g, initial) => { if (!initial) this.panned(); },
    };
    if (spec.vlabel) options.ylabel = esc(spec.vlabel);
    if (spec.lower !== null || spec.upper !== null) options.valueRange = [spec.lower, spec.upper];
    return options;
  }

  drawLines(ctx, area, g) {
    for (const e of this.events()) {
      const x = g.toDomXCoord(e.at * 1000);
      if (!isFinite(x) || x < area.x || x > area.x + area.w) continue;
      ctx.save();
      ctx.strokeStyle = e.kind === 'alert' ? AlertColours[e.state] || '#7b3fbf' : '#7b3fbf';
      ctx.setLineDash([2, 3]);
      ctx.beginPath();
      ctx.moveTo(x, area.y);
      ctx.lineTo(x, area.y + area.h);
      ctx.stroke();
      ctx.restore();
    }
    for (const line of this.spec.lines) {
      const y = g.toDomYCoord(line.value);
      if (!isFinite(y) || y < area.y || y > area.y + area.h) continue;
      ctx.save();
      ctx.strokeStyle = line.kind === 'critical' ? '#d62728' : '#ff9f1a';
      ctx.lineWidth = 1.5;
      ctx.setLineDash([6, 4]);
      ctx.beginPath();
      ctx.moveTo(area.x, y);
      ctx.lineTo(area.x + area.w, y);
      ctx.stroke();
      ctx.restore();
    }
  }

  // One entry per legend line: a series, or an in/out pair (the negative half comes right after its partner).
  entries() {
    const out = [];
    this.spec.series.forEach((s, i) => {
      if (s.negate && out.length && out[out.length - 1].up === i - 1) out[out.length - 1].down = i;
      else if (s.negate) out.push({label: s.label, colour: s.colour, up: null, down: i});
      else out.push({label: s.label, colour: s.colour, up: i, down: null});
    });
    return out;
  }

  buildToggles() {
    clear(this.toggles);
    this.valueNodes = [];
    for (const entry of this.entries()) {
      const indices = [entry.up, entry.down].filter(i => i !== null);
      const box = el('input', {type: 'checkbox', checked: indices.every(i => this.visible[i]),
        'aria-label': 'show ' + entry.label, onchange: event => {
          for (const i of indices) this.visible[i] = event.target.checked;
          this.dygraph.updateOptions({file: this.plot(this.raw), visibility: this.visible.slice()});
          this.showLegend(null);
          this.updatePngLink();
          GraphPage.onChange();
        }});
      const value = el('span', {className: 'toggle-value'});
      this.valueNodes.push({entry, node: value});
      this.toggles.appendChild(el('label', {className: 'toggle'}, box,
        el('span', {className: 'swatch', style: 'background:' + entry.colour}),
        el('span', {className: 'toggle-label', text: entry.label}), value));
    }
    this.totalNode = this.spec.total ? el('span', {className: 'toggle total'},
      el('span', {className: 'toggle-label', text: this.spec.total}), el('span', {className: 'toggle-value'})) : null;
    if (this.totalNode) this.toggles.appendChild(this.totalNode);
  }

  // The values of one row (the last known one when the mouse is elsewhere), as munin's legend: "in/out" for a pair.
  showLegend(row) {
    if (!this.valueNodes) return;
    const raw = this.raw || [];
    let r = row;
    if (r === null || r === undefined || r >= raw.length) {
      // the last known row of what is visible (a zoom fetches half a window more on each side)
      const end = this.range ? this.visibleRange().to * 1000 : Infinity;
      r = raw.length - 1;
      while (r > 0 && (raw[r][0].getTime() > end + 1000 * (this.lastFetch ? this.lastFetch.step : 0)
        || raw[r].slice(1).every(v => v === null))) r--;
    }
    const values = r >= 0 && raw[r] ? raw[r] : null;
    const at = i => (values && i !== null ? values[i + 1] : null);
    const base = this.spec.base;
    for (const {entry, node} of this.valueNodes) {
      const down = at(entry.down);
      const text = entry.down === null ? formatValue(at(entry.up), base)
        : entry.up === null ? formatValue(down === null ? null : -down, base)
        : formatValue(down === null ? null : -down, base) + '/' + formatValue(at(entry.up), base);
      node.textContent = ' ' + text;
    }
    if (this.totalNode) {
      let sum = null;
      this.spec.series.forEach((s, i) => {
        const v = at(i);
        if (!s.negate && this.visible[i] && v !== null && v !== undefined) sum = (sum || 0) + v;
      });
      this.totalNode.lastChild.textContent = ' ' + formatValue(sum, base);
    }
    // A row stands for the step that ends at its time: the last one may end after now, or after the range, and
    // "last" is never later than either.
    const latest = this.range ? Math.min(Date.now(), this.visibleRange().to * 1000) : Date.now();
    this.legendDiv.textContent = values ? (row === null || row === undefined ? 'last: ' : '')
      + TimeZone.format(row === null || row === undefined ? Math.min(values[0].getTime(), latest)
        : values[0].getTime()) : '';
  }

  // Zooming asks the storage again for the zoomed window, so a week zoomed to an hour shows minute points. Half a
  // window more is fetched on each side, so that a pan (shift-drag) has data to move into; when a pan ends, the
  // window it reached is fetched the same way.
  async zoomed(minX, maxX) {
    if (!this.dygraph) return;
    if (this.dygraph.isZoomed('x')) {
      await this.fetchWindow(minX, maxX);
      await GraphPage.zoomAll(this.zoomWindow.from, this.zoomWindow.to, this);
    } else {
      await this.unzoom();
      await GraphPage.zoomAll(null, null, this);
    }
    GraphPage.onChange();
  }

  async unzoom() {
    this.zoomWindow = null;
    await this.fetchAndDraw(this.range.from, this.range.to, null);
  }

  // The row nearest to a moment (ms), or null outside the data.
  rowAt(x) {
    const raw = this.raw;
    if (!raw.length || x < raw[0][0].getTime() || x > raw[raw.length - 1][0].getTime()) return null;
    let lo = 0;
    let hi = raw.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (raw[mid][0].getTime() < x) lo = mid + 1; else hi = mid;
    }
    return lo > 0 && x - raw[lo - 1][0].getTime() < raw[lo][0].getTime() - x ? lo - 1 : lo;
  }

  async fetchWindow(minX, maxX) {
    const from = Math.floor(minX / 1000);
    const to = Math.max(from + 1, Math.ceil(maxX / 1000));
    const half = Math.ceil((to - from) / 2);
    this.zoomWindow = {from, to};
    this.widen = 2;
    try {
      await this.fetchAndDraw(Math.max(1, from - half), to + half, [minX, maxX]);
    } finally {
      this.widen = 1;
    }
  }

  panned() {
    clearTimeout(this.panTimer);
    this.panTimer = setTimeout(() => {
      if (!this.dygraph || !this.zoomWindow || !this.dygraph.isZoomed('x')) return;
      const [a, b] = this.dygraph.xAxisRange();
      if (Math.abs(a / 1000 - this.zoomWindow.from) < 2 && Math.abs(b / 1000 - this.zoomWindow.to) < 2) return;
      this.fetchWindow(a, b).then(() => GraphPage.zoomAll(this.zoomWindow.from, this.zoomWindow.to, this))
        .then(() => GraphPage.onChange());
    }, 300);
  }

  async refresh(range) {
    this.range = range;
    if (!this.spec) return this.load(range);
    this.zoomWindow = null;
    await this.fetchAndDraw(range.from, range.to, null);
  }

  // The server draws it (GraphSpec and the same rows as this graph), so that the file and the PNG URL are one image.
  async downloadPng() {
    const answer = await fetch(this.pngHref(), {credentials: 'same-origin'});
    if (!answer.ok) {
      this.status.textContent = 'PNG: ' + await answer.text();
      return;
    }
    const url = URL.createObjectURL(await answer.blob());
    const a = el('a', {href: url, download: this.source.filename});
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }
}

// A legend value with the axis' unit prefixes (k, M, G… of 1000; Ki, Mi, Gi… of 1024), three digits or so, two
// significant ones below 0.01, and a dash for no value; the PNG writes the same (GraphPng.format).
function formatValue(v, base) {
  if (v === null || v === undefined || !isFinite(v)) return '-';
  const prefixes = base === 1024 ? ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] : ['', 'k', 'M', 'G', 'T', 'P', 'E'];
  let x = v;
  let i = 0;
  while (Math.abs(x) >= base && i < prefixes.length - 1) {
    x /= base;
    i++;
  }
  const a = Math.abs(x);
  if (a !== 0 && a < 0.01) return x.toPrecision(2);
  const digits = a === 0 || a >= 100 ? 0 : a >= 10 ? 1 : 2;
  return x.toFixed(digits) + prefixes[i];
}
