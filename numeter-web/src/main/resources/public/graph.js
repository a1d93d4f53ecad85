// One plugin graph: its drawing rules come from the web's GraphSpec (built from the plugin's metadata), its data
// from /api/hosts/{host}/plugins/{plugin}/data at as many points as the graph is wide.
'use strict';

const Ranges = {hour: 3600, day: 86400, week: 7 * 86400, month: 31 * 86400, year: 366 * 86400};

// Every graph on the page by "host/plugin", so that tests (and curious operators) can read dygraphs' own state.
window.numeterGraphs = {};

class NumeterGraph {
  constructor(host, plugin, title) {
    this.host = host;
    this.plugin = plugin;
    this.key = host + '/' + plugin;
    this.loads = 0;
    this.zoomWindow = null;
    this.dygraph = null;
    this.graphDiv = el('div', {className: 'graph', 'data-testid': 'graph-' + plugin});
    this.legendDiv = el('div', {className: 'legend'});
    this.toggles = el('div', {className: 'toggles'});
    this.status = el('div', {className: 'graph-status', text: 'loading…'});
    this.titleNode = el('h3', {text: title || plugin});
    this.pngLink = el('a', {className: 'button', text: 'PNG URL', target: '_blank', rel: 'noopener',
      title: 'A stable address of this graph as a PNG rendered by the server'});
    this.card = el('section', {className: 'card', id: 'plugin-' + plugin, 'data-plugin': plugin},
      el('div', {className: 'card-head'}, this.titleNode,
        el('span', {className: 'actions'},
          el('button', {type: 'button', className: 'button', text: 'PNG', 'data-testid': 'png-' + plugin,
            title: 'Download this graph as you see it', onclick: () => this.downloadPng()}),
          this.pngLink)),
      this.status, this.graphDiv, this.legendDiv, this.toggles);
    window.numeterGraphs[this.key] = this;
  }

  base() {
    return '/api/hosts/' + encodeURIComponent(this.host) + '/plugins/' + encodeURIComponent(this.plugin);
  }

  points() {
    return Math.max(100, Math.min(5000, Math.round(this.graphDiv.clientWidth || 600)));
  }

  async load(range) {
    this.range = range;
    try {
      const answer = await Api.get(this.base());
      this.spec = answer.graph;
      this.titleNode.textContent = this.spec.title;
      await this.fetchAndDraw(range.from, range.to, null);
    } catch (e) {
      this.status.textContent = e.status === 503 ? 'unavailable: ' + e.message : 'error: ' + e.message;
      this.status.classList.add('error');
    }
  }

  async fetchAndDraw(from, to, dateWindow) {
    const width = this.graphDiv.clientWidth || 600;
    const height = this.graphDiv.clientHeight || 220;
    this.pngLink.setAttribute('href', this.base() + '/graph.png?from=' + from + '&to=' + to
      + '&width=' + Math.round(width) + '&height=' + Math.round(height));
    const data = await Api.get(this.base() + '/data?from=' + from + '&to=' + to + '&points=' + this.points());
    const rows = data.points.map(r => [new Date(r[0] * 1000)].concat(r.slice(1)));
    this.lastFetch = {from, to, points: this.points(), rows: rows.length};
    if (rows.length === 0) {
      this.status.textContent = 'no data in this range';
      if (this.dygraph) this.dygraph.updateOptions({file: [[new Date(from * 1000)].concat(this.spec.series.map(() => null))]});
      this.loads++;
      return;
    }
    this.status.textContent = '';
    if (!this.dygraph) {
      this.dygraph = new Dygraph(this.graphDiv, rows, this.options());
      this.buildToggles();
    } else {
      this.dygraph.updateOptions({file: rows, dateWindow: dateWindow});
    }
    this.loads++;
  }

  options() {
    const spec = this.spec;
    const series = {};
    spec.series.forEach(s => { series[s.label] = {fillGraph: s.fill, strokeWidth: s.width}; });
    const options = {
      labels: ['time'].concat(spec.series.map(s => s.label)),
      colors: spec.series.map(s => s.colour),
      series: series,
      stackedGraph: spec.stacked,
      fillAlpha: 0.45,
      // A lone known point between gaps (a host's first minutes, a poller back from an outage) stays visible.
      drawGapEdgePoints: true,
      labelsKMG2: spec.base === 1024,
      labelsKMB: spec.base !== 1024,
      logscale: spec.logarithmic,
      includeZero: !spec.logarithmic,
      legend: 'always',
      labelsDiv: this.legendDiv,
      labelsSeparateLines: false,
      axes: {y: {axisLabelWidth: 56}},
      underlayCallback: (ctx, area, g) => this.drawLines(ctx, area, g),
      zoomCallback: (minX, maxX) => this.zoomed(minX, maxX),
    };
    if (spec.vlabel) options.ylabel = esc(spec.vlabel);
    if (spec.lower !== null || spec.upper !== null) options.valueRange = [spec.lower, spec.upper];
    return options;
  }

  drawLines(ctx, area, g) {
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

  buildToggles() {
    clear(this.toggles);
    this.spec.series.forEach((s, i) => {
      const box = el('input', {type: 'checkbox', checked: true,
        onchange: event => this.dygraph.setVisibility(i, event.target.checked)});
      this.toggles.appendChild(el('label', {className: 'toggle'}, box,
        el('span', {className: 'swatch', style: 'background:' + s.colour}), s.label));
    });
  }

  // Zooming asks the storage again for the zoomed window, so a week zoomed to an hour shows minute points.
  async zoomed(minX, maxX) {
    if (!this.dygraph) return;
    if (this.dygraph.isZoomed('x')) {
      const from = Math.floor(minX / 1000);
      const to = Math.max(from + 1, Math.ceil(maxX / 1000));
      this.zoomWindow = {from, to};
      await this.fetchAndDraw(from, to, [minX, maxX]);
    } else {
      this.zoomWindow = null;
      await this.fetchAndDraw(this.range.from, this.range.to, null);
    }
  }

  async refresh(range) {
    this.range = range;
    if (!this.spec) return this.load(range);
    this.zoomWindow = null;
    await this.fetchAndDraw(range.from, range.to, null);
  }

  // The plot canvas, then dygraphs' axis labels (HTML elements) painted as text, then the title.
  exportCanvas() {
    const g = this.dygraph;
    const width = Math.round(this.graphDiv.clientWidth);
    const height = Math.round(this.graphDiv.clientHeight);
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    if (g) {
      ctx.drawImage(g.hidden_, 0, 0, width, height);
      const origin = this.graphDiv.getBoundingClientRect();
      ctx.fillStyle = '#333333';
      ctx.font = '11px sans-serif';
      ctx.textBaseline = 'top';
      for (const label of this.graphDiv.querySelectorAll('.dygraph-axis-label')) {
        const box = label.getBoundingClientRect();
        if (box.width === 0) continue;
        ctx.fillText(label.textContent, box.left - origin.left, box.top - origin.top);
      }
    }
    ctx.font = 'bold 12px sans-serif';
    ctx.fillStyle = '#111111';
    ctx.fillText(this.host + ' — ' + (this.spec ? this.spec.title : this.plugin), 64, 2);
    return canvas;
  }

  downloadPng() {
    this.exportCanvas().toBlob(blob => {
      const url = URL.createObjectURL(blob);
      const a = el('a', {href: url, download: this.host + '_' + this.plugin + '.png'});
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    }, 'image/png');
  }
}
