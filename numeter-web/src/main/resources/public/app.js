// The signed-in application: a host tree, the automatic dashboard of a host, admin and account pages. Every
// datum comes from the REST API (docs/api.md, section 3), which applies the permissions.
'use strict';

const App = {session: null, range: null, graphs: [], timer: null, refresh: '1m'};

function now() { return Math.floor(Date.now() / 1000); }

// ---- the page's state in its URL ----
// range=now-7d (a relative range: m, h, d, w, M (31 d), y (366 d)) or from=&to= (epoch s or ISO 8601), zoom=from,to
// (epoch s), hide=plugin.field,... (view-N.index for a view's series), refresh=30s|1m|5m|15m|off. Every change a
// user makes is a new history entry, so back and forward step through them; the link reproduces the page.

const RangeSpecs = {hour: 'now-1h', day: 'now-1d', week: 'now-7d', month: 'now-1M', year: 'now-1y'};
const Units = {m: 60, h: 3600, d: 86400, w: 7 * 86400, M: 31 * 86400, y: 366 * 86400};
const RefreshChoices = {off: 0, '30s': 30, '1m': 60, '5m': 300, '15m': 900};

function relativeSeconds(spec) {
  if (Object.prototype.hasOwnProperty.call(Ranges, spec)) return Ranges[spec];
  const m = /^now-([0-9]{1,5})([mhdwMy])$/.exec(spec || '');
  return m && Number(m[1]) > 0 ? Number(m[1]) * Units[m[2]] : null;
}

// hour, day... or now-6h: a range that ends now and slides with the clock
function relativeRange(spec) {
  const name = Object.keys(RangeSpecs).find(n => n === spec || RangeSpecs[n] === spec) || spec;
  const to = now();
  return {name, spec: RangeSpecs[name] || spec, from: to - relativeSeconds(spec), to, relative: true};
}

function parseTime(text) {
  if (!text) return NaN;
  if (/^[0-9]{1,11}$/.test(text)) return Number(text);
  return Math.floor(Date.parse(text) / 1000);
}

function urlState(fallback) {
  const p = new URLSearchParams(location.search);
  let range = relativeSeconds(p.get('range')) ? relativeRange(p.get('range')) : null;
  const from = parseTime(p.get('from'));
  const to = parseTime(p.get('to'));
  if (from > 0 && to > from) range = {name: 'custom', from, to, relative: false};
  const z = (p.get('zoom') || '').split(',').map(Number);
  const zoom = z.length === 2 && z[0] > 0 && z[1] > z[0] ? {from: z[0], to: z[1]} : null;
  const hide = new Set((p.get('hide') || '').split(',').filter(k => k));
  const refresh = Object.prototype.hasOwnProperty.call(RefreshChoices, p.get('refresh')) ? p.get('refresh') : '1m';
  return {range: range || fallback, zoom, hide, refresh};
}

function writeUrl(push) {
  if (!App.range) return;
  const p = new URLSearchParams(location.search);
  for (const k of ['range', 'from', 'to', 'zoom', 'hide', 'refresh']) p.delete(k);
  if (App.range.relative) p.set('range', App.range.spec);
  else {
    p.set('from', App.range.from);
    p.set('to', App.range.to);
  }
  const zoomed = App.graphs.find(g => g.zoomWindow);
  if (zoomed) p.set('zoom', zoomed.zoomWindow.from + ',' + zoomed.zoomWindow.to);
  const hidden = App.graphs.flatMap(g => g.hiddenKeys());
  if (hidden.length) p.set('hide', hidden.join(','));
  if (App.refresh !== '1m') p.set('refresh', App.refresh);
  const url = location.pathname + '?' + p.toString().replace(/%2C/g, ',') + location.hash;
  if (url === location.pathname + location.search + location.hash) return;
  history[push ? 'pushState' : 'replaceState'](null, '', url);
}

// Back or forward: the page takes the state its URL says, without reloading.
async function applyUrl() {
  if (!App.range || !App.graphs.length) return;
  const state = urlState(App.range);
  App.range = state.range.relative ? relativeRange(state.range.spec) : state.range;
  markRange();
  await loadEvents();
  await runLimited(App.graphs.map(g => async () => {
    if (g.spec) {
      g.visible = g.spec.series.map((s, i) => !state.hide.has(g.hideKey(i)));
      g.buildToggles();
      if (g.dygraph) g.dygraph.updateOptions({visibility: g.visible.slice()});
    }
    g.range = App.range;
    if (state.zoom && g.spec) await g.fetchWindow(state.zoom.from * 1000, state.zoom.to * 1000);
    else await g.refresh(App.range);
  }), 4);
}

window.addEventListener('popstate', () => { applyUrl(); });
GraphPage.onChange = () => writeUrl(true);

function hostPath(id) { return '/hosts/' + encodeURIComponent(id); }

async function start() {
  App.session = await Api.get('/api/session');
  Api.csrf = App.session.csrf;
  const user = App.session.user;
  const nav = document.getElementById('nav');
  nav.appendChild(el('a', {href: '/', text: 'Hosts'}));
  nav.appendChild(el('a', {href: '/dashboards', text: 'Dashboards', 'data-testid': 'nav-dashboards'}));
  Alerts.nav(nav);
  if (user.superuser) nav.appendChild(el('a', {href: '/admin', text: 'Admin', 'data-testid': 'nav-admin'}));
  nav.appendChild(el('a', {href: '/account', text: 'Account'}));
  nav.appendChild(el('a', {href: '#', text: 'Log out', 'data-testid': 'logout', onclick: async e => {
    e.preventDefault();
    await Api.post('/api/logout');
    window.location.assign('/login');
  }}));
  document.getElementById('whoami').textContent = user.username + (user.superuser ? ' (admin)' : '');
  chrome();
  const search = document.getElementById('search');
  let pending = null;
  search.addEventListener('input', () => {
    clearTimeout(pending);
    pending = setTimeout(() => renderTree(search.value), 200);
  });
  // Enter searches graphs too: hosts, plugins and fields, by name or label
  search.form.addEventListener('submit', e => {
    e.preventDefault();
    if (search.value.trim()) window.location.assign('/search?q=' + encodeURIComponent(search.value.trim()));
  });
  const path = window.location.pathname;
  await renderTree('');
  const single = /^\/hosts\/([^/]+)\/plugins\/([^/]+)$/.exec(path);
  if (single) await graphPage(decodeURIComponent(single[1]), decodeURIComponent(single[2]));
  else if (path.startsWith('/hosts/')) await hostPage(decodeURIComponent(path.substring('/hosts/'.length)));
  else if (path === '/search') await searchPage(new URLSearchParams(location.search).get('q') || '');
  else if (path === '/compare') await comparePage();
  else if (path === '/admin') await adminPage();
  else if (path === '/account') await accountPage();
  else if (path === '/problems') await Alerts.page();
  else if (path === '/dashboards') await dashboardsPage();
  else if (path.startsWith('/dashboards/')) await dashboardPage(Number(path.substring('/dashboards/'.length)));
  else await overviewPage();
}

// ---- theme, drawer, keyboard ----

// The theme button, the drawer button of a phone, and the keyboard shortcuts.
function chrome() {
  const bar = document.querySelector('.topbar');
  const themeButton = el('button', {type: 'button', className: 'icon-button', 'data-testid': 'theme',
    onclick: () => {
      Theme.next();
      label();
      for (const g of App.graphs) {
        if (g.dygraph) g.dygraph.updateOptions({gridLineColor: Theme.colour('--grid'), axisLineColor: Theme.colour('--axis')});
      }
    }});
  const label = () => {
    const choice = Theme.choice();
    clear(themeButton).append(el('span', {'aria-hidden': 'true', text: {system: '◐', dark: '●', light: '○'}[choice]}),
      ' ' + {system: 'auto', dark: 'dark', light: 'light'}[choice]);
    themeButton.title = 'Colour theme: ' + choice + ' (t changes it)';
  };
  label();
  bar.appendChild(themeButton);
  const drawer = el('button', {type: 'button', className: 'icon-button drawer-button', text: '☰',
    'aria-label': 'hosts', 'aria-expanded': 'false', 'data-testid': 'drawer', onclick: () => {
      const open = document.body.classList.toggle('drawer-open');
      drawer.setAttribute('aria-expanded', String(open));
    }});
  bar.insertBefore(drawer, bar.firstChild);
  // a choice in the drawer closes it
  document.getElementById('tree').addEventListener('click', e => {
    if (e.target.closest('a')) document.body.classList.remove('drawer-open');
  });
  document.addEventListener('keydown', shortcut);
}

const Shortcuts = [['/', 'search'], ['h d w m y', 'last hour, day, week, month, year'],
  ['z', 'zoom out (every graph)'], ['[ ]', 'range back, forward'], ['c', 'copy link'], ['t', 'colour theme'],
  ['?', 'these shortcuts']];

function shortcut(e) {
  const target = e.target;
  if (e.ctrlKey || e.metaKey || e.altKey || (target.closest && target.closest('input, textarea, select'))) return;
  const ranges = {h: 'hour', d: 'day', w: 'week', m: 'month', y: 'year'};
  if (e.key === '/') {
    e.preventDefault();
    document.body.classList.add('drawer-open');
    document.getElementById('search').focus();
  } else if (ranges[e.key] && App.range) {
    setRange(relativeRange(ranges[e.key]));
  } else if (e.key === 'z' && App.graphs.some(g => g.zoomWindow)) {
    Promise.all(App.graphs.filter(g => g.dygraph).map(g => g.unzoom())).then(() => writeUrl(true));
  } else if ((e.key === '[' || e.key === ']') && App.range) {
    // a fixed range of the same length, one length earlier or later
    const span = App.range.to - App.range.from;
    const by = e.key === '[' ? -span : span;
    setRange({name: 'custom', from: App.range.from + by, to: App.range.to + by, relative: false});
  } else if (e.key === 'c') {
    const copy = document.querySelector('[data-testid=copy-link]');
    if (copy) copy.click();
  } else if (e.key === 't') {
    document.querySelector('[data-testid=theme]').click();
  } else if (e.key === '?') {
    const open = document.querySelector('.shortcuts');
    if (open) { open.remove(); return; }
    document.body.appendChild(el('aside', {className: 'shortcuts', 'aria-label': 'keyboard shortcuts',
      'data-testid': 'shortcuts'}, el('h2', {text: 'Keyboard shortcuts'}),
    el('dl', {}, Shortcuts.flatMap(([keys, what]) => [el('dt', {}, keys.split(' ').map(k => el('kbd', {text: k}))),
      el('dd', {text: what})]))));
  } else if (e.key === 'Escape') {
    document.body.classList.remove('drawer-open');
    const open = document.querySelector('.shortcuts');
    if (open) open.remove();
  }
}

// ---- host tree ----

async function renderTree(query) {
  const tree = document.getElementById('tree');
  const answer = await Api.get('/api/tree' + (query ? '?q=' + encodeURIComponent(query) : ''));
  clear(tree);
  const current = window.location.pathname.startsWith('/hosts/')
    ? decodeURIComponent(window.location.pathname.substring(7)) : null;
  const hostItem = h => el('li', {className: h.available ? 'host' : 'host unavailable'},
    el('a', {href: hostPath(h.id), text: h.id, className: h.id === current ? 'current' : null,
      'data-testid': 'tree-host-' + h.id}),
    h.available ? null : el('span', {className: 'badge', text: 'unavailable'}),
    h.stale ? el('span', {className: 'badge stale', text: 'stale', 'data-testid': 'stale-' + h.id,
      title: 'No data since ' + when(h.lastUpdate)}) : null,
    h.storages ? el('span', {className: 'badge clash', text: h.storages.length + ' storages',
      title: 'Held by ' + h.storages.join(', ') + '; each plugin is read from the one with its newest data'}) : null);
  for (const group of answer.groups) {
    tree.appendChild(el('details', {open: true, className: 'tree-group'},
      el('summary', {text: group.name}), el('ul', {}, group.hosts.map(hostItem))));
  }
  if (answer.unassigned.length) {
    tree.appendChild(el('details', {open: true, className: 'tree-group'},
      el('summary', {text: 'No group'}), el('ul', {}, answer.unassigned.map(hostItem))));
  }
  if (!answer.groups.length && !answer.unassigned.length) {
    tree.appendChild(el('p', {className: 'muted', text: query ? 'No host matches.' : 'No host to show yet.'}));
  }
}

// The tree's fourth level: under the open host, its categories and their plugins, linking to the graphs.
function treeCategories(host) {
  const link = document.querySelector('[data-testid="tree-host-' + CSS.escape(host.id) + '"]');
  if (!link || !host.categories.length) return;
  link.parentNode.appendChild(el('ul', {className: 'tree-plugins'}, host.categories.map(c => el('li', {},
    el('span', {className: 'tree-category', text: c.name}),
    el('ul', {}, c.plugins.map(p => el('li', {}, el('a', {href: '#plugin-' + p.name, text: p.title,
      title: p.name, 'data-testid': 'tree-plugin-' + p.name}))))))));
}

// ---- overview ----

async function overviewPage() {
  const main = document.getElementById('main');
  const hosts = await Api.get('/api/hosts');
  clear(main).appendChild(el('h1', {text: 'Hosts'}));
  if (!hosts.length) {
    main.appendChild(el('p', {className: 'muted', text: App.session.user.superuser
      ? 'No storage has reported a host yet.' : 'None of your groups has a host yet; ask an administrator.'}));
    return;
  }
  main.appendChild(el('table', {className: 'table'},
    el('thead', {}, el('tr', {}, el('th', {text: 'Host'}), el('th', {text: 'Groups'}), el('th', {text: 'Plugins'}),
      el('th', {text: 'Last update'}))),
    el('tbody', {}, hosts.map(h => el('tr', {},
      el('td', {}, el('a', {href: hostPath(h.id), text: h.id})),
      el('td', {text: h.groups.join(', ')}),
      el('td', {text: h.available ? String(h.plugins) : 'unavailable'}),
      el('td', {text: when(h.lastUpdate)}, h.stale ? el('span', {className: 'badge stale', text: 'stale'}) : null))))));
}

function when(epochSecond) {
  return epochSecond ? TimeZone.format(epochSecond * 1000) : '—';
}

// ---- the automatic dashboard of a host ----

async function hostPage(id) {
  const main = clear(document.getElementById('main'));
  let host;
  try {
    host = await Api.get(hostPath(id).replace('/hosts/', '/api/hosts/'));
  } catch (e) {
    main.appendChild(el('h1', {text: 'Host not found'}));
    main.appendChild(el('p', {className: 'error', text: e.message}));
    return;
  }
  // ?range=hour (or day, week, month, year) opens the page on that range. Otherwise a day, as munin shows; but a
  // host seen for the first time in the last six hours (a new standalone) starts on the last hour, so that its
  // graphs fill at once instead of drawing a dot at the right edge.
  // ?from=&to= is a fixed range, as the Problems page links to the moment of a change (urlState).
  const state = urlState(relativeRange(host.firstSeen > now() - 6 * 3600 ? 'hour' : 'day'));
  App.range = state.range;
  App.refresh = state.refresh;
  treeCategories(host);
  main.appendChild(el('div', {className: 'page-head'},
    el('h1', {text: host.id}),
    el('span', {className: 'groups'}, host.groups.map(g => el('span', {className: 'badge', text: g})))));
  if (host.future || host.late) {
    main.appendChild(el('p', {className: 'notice', 'data-testid': 'clock',
      text: 'Since the storage started, it refused ' + host.future + ' points of this host stamped too far in the'
        + ' future and dropped ' + host.late + ' points older than what it held: is this host\'s clock right?'}));
  }
  if (host.apart) {
    main.appendChild(el('p', {className: 'notice', 'data-testid': 'apart',
      text: 'Since the storage started, ' + host.apart + ' points of this host came further apart than its files\''
        + ' heartbeat and were stored as unknown: its poller is slower than the storage\'s step (storage.archives,'
        + ' storage.step). After three such points in a row, a file\'s heartbeat is raised to fit them.'}));
  }
  if (!host.available) {
    main.appendChild(el('p', {className: 'notice', 'data-testid': 'unavailable',
      text: 'This host is unavailable: the storage that holds it does not answer. Its graphs will return with it.'}));
    return;
  }
  if (host.stale) {
    main.appendChild(el('p', {className: 'notice', 'data-testid': 'stale',
      text: 'No data since ' + when(host.lastUpdate) + ': its poller, collector or storage has stopped sending.'}));
  }
  if (host.storages) {
    main.appendChild(el('p', {className: 'notice', 'data-testid': 'clash',
      text: 'Held by ' + host.storages.length + ' storages (' + host.storages.join(', ') + '): its plugins are'
        + ' merged, each read from the storage with its newest data. Give each host one storage.'}));
  }
  if (typeof PluginHealth !== 'undefined') main.appendChild(PluginHealth.section(host.id));
  main.appendChild(rangeToolbar());
  App.eventsHost = host.id;
  App.eventsPanel = el('div', {className: 'events', 'data-testid': 'events'});
  main.appendChild(eventsSection([host.id]));
  const index = el('nav', {className: 'categories'});
  main.appendChild(index);
  const work = [];
  for (const category of host.categories) {
    index.appendChild(el('a', {href: '#category-' + category.name, text: category.name}));
    const grid = el('div', {className: 'grid'});
    main.appendChild(el('section', {className: 'category', id: 'category-' + category.name},
      el('h2', {text: category.name}), grid));
    for (const plugin of category.plugins) {
      const graph = new NumeterGraph(host.id, plugin.name, plugin.title);
      graph.events = () => App.events.concat(Alerts.marksOf(plugin.name));
      graph.actions.prepend(el('a', {className: 'button', text: 'Open', href: graphPath(host.id, plugin.name),
        title: 'This graph alone, full width, with its plugin\'s notes', 'data-testid': 'open-' + plugin.name}));
      grid.appendChild(graph.card);
      App.graphs.push(graph);
      work.push(graph);
    }
  }
  await loadEvents();
  await runLimited(work.map(g => () => g.load(App.range, state.zoom, state.hide)), 4);
  writeUrl(false);
  document.body.dataset.graphsLoaded = String(App.graphs.length);
}

// ---- search, one graph, comparison ----

function graphPath(host, plugin) {
  return hostPath(host) + '/plugins/' + encodeURIComponent(plugin);
}

async function searchPage(q) {
  const main = clear(document.getElementById('main'));
  document.getElementById('search').value = q;
  main.appendChild(el('h1', {text: 'Graphs matching “' + q + '”'}));
  let found = [];
  try {
    found = q ? await Api.get('/api/search?q=' + encodeURIComponent(q)) : [];
  } catch (e) {
    main.appendChild(el('p', {className: 'error', text: e.message}));
    return;
  }
  if (!found.length) {
    main.appendChild(el('p', {className: 'muted', 'data-testid': 'no-result', text: 'Nothing matches: try a part'
      + ' of a host, plugin or field name or label, or a pattern such as if_*.'}));
    return;
  }
  // one plugin on several hosts can be compared side by side
  const hostsOf = new Map();
  for (const f of found) hostsOf.set(f.plugin, (hostsOf.get(f.plugin) || []).concat([f.host]));
  const comparable = [...hostsOf.entries()].filter(([, hosts]) => hosts.length > 1);
  if (comparable.length) {
    main.appendChild(el('p', {}, 'Compare across hosts: ', comparable.map(([plugin, hosts]) => el('a', {
      className: 'button', href: '/compare?plugin=' + encodeURIComponent(plugin) + '&hosts='
        + hosts.map(encodeURIComponent).join(','), text: plugin + ' (' + hosts.length + ' hosts)',
      'data-testid': 'compare-' + plugin}))));
  }
  main.appendChild(el('table', {className: 'table', 'data-testid': 'results'},
    el('thead', {}, el('tr', {}, ['Host', 'Graph', 'Fields'].map(t => el('th', {text: t})))),
    el('tbody', {}, found.map(f => el('tr', {'data-testid': 'result-' + f.host + '-' + f.plugin},
      el('td', {}, el('a', {href: hostPath(f.host), text: f.host})),
      el('td', {}, el('a', {href: graphPath(f.host, f.plugin), text: f.title || f.plugin, title: f.plugin})),
      el('td', {text: f.fields.map(x => x.label === x.name ? x.name : x.label + ' (' + x.name + ')').join(', ')}))))));
  if (found.length >= 100) main.appendChild(el('p', {className: 'muted', text: 'The first 100 graphs.'}));
}

// One graph alone: full width, more points, the plugin's notes, its problems and events.
async function graphPage(hostId, plugin) {
  const main = clear(document.getElementById('main'));
  let answer;
  try {
    answer = await Api.get('/api/hosts/' + encodeURIComponent(hostId) + '/plugins/' + encodeURIComponent(plugin));
  } catch (e) {
    main.appendChild(el('h1', {text: 'Graph not found'}));
    main.appendChild(el('p', {className: 'error', text: e.message}));
    return;
  }
  const meta = answer.meta;
  const state = urlState(relativeRange('day'));
  App.range = state.range;
  App.refresh = state.refresh;
  main.appendChild(el('div', {className: 'page-head'},
    el('h1', {}, el('a', {href: hostPath(hostId), text: hostId}), ' / ' + answer.graph.title)));
  main.appendChild(rangeToolbar());
  App.eventsHost = hostId;
  App.eventsPanel = el('div', {className: 'events', 'data-testid': 'events'});
  main.appendChild(eventsSection([hostId]));
  const graph = new NumeterGraph(hostId, plugin, answer.graph.title);
  graph.card.classList.add('wide');
  graph.events = () => App.events.concat(Alerts.marksOf(plugin));
  main.appendChild(graph.card);
  App.graphs.push(graph);
  const problems = el('div', {'data-testid': 'graph-problems'});
  main.appendChild(el('section', {className: 'admin'}, el('h2', {text: 'Problems'}), problems));
  const fields = (meta.fields || []);
  main.appendChild(el('section', {className: 'admin plugin-info'}, el('h2', {text: 'About this graph'}),
    meta.info ? el('p', {text: meta.info, 'data-testid': 'plugin-info'}) : null,
    el('table', {className: 'table', 'data-testid': 'field-notes'},
      el('thead', {}, el('tr', {}, ['Field', 'Label', 'Type', 'Draw', 'Warning', 'Critical', 'Notes']
        .map(t => el('th', {text: t})))),
      el('tbody', {}, fields.map(f => el('tr', {},
        el('td', {text: f.name}), el('td', {text: f.label || ''}), el('td', {text: f.type || ''}),
        el('td', {text: f.draw || ''}), el('td', {text: f.warning || ''}), el('td', {text: f.critical || ''}),
        el('td', {text: (f.info || '') + (f.cdef ? ' (cdef ' + f.cdef + ')' : '')})))))));
  await loadEvents();
  await graph.load(App.range, state.zoom, state.hide);
  writeUrl(false);
  try {
    const all = (await Api.get('/api/alerts')).problems.filter(p => p.host === hostId && p.plugin === plugin);
    problems.appendChild(all.length ? el('table', {className: 'table'}, el('tbody', {}, all.map(p =>
      Alerts.row(p, el('p'), () => graphPage(hostId, plugin)))))
      : el('p', {className: 'muted', text: 'No problem on this graph.'}));
  } catch (e) {
    problems.appendChild(el('p', {className: 'muted', text: 'Problems unavailable: ' + e.message}));
  }
  document.body.dataset.graphsLoaded = '1';
}

// One plugin of several hosts, side by side, zoomed and hovered together.
async function comparePage() {
  const main = clear(document.getElementById('main'));
  const params = new URLSearchParams(location.search);
  const plugin = params.get('plugin') || '';
  const hosts = (params.get('hosts') || '').split(',').filter(h => h).slice(0, 24);
  const state = urlState(relativeRange('day'));
  App.range = state.range;
  App.refresh = state.refresh;
  // side by side, or overlaid in one graph (overlay=1)
  const overlaid = params.get('overlay') === '1';
  const other = new URLSearchParams(location.search);
  if (overlaid) other.delete('overlay'); else other.set('overlay', '1');
  main.appendChild(el('div', {className: 'page-head'},
    el('h1', {text: 'Compare ' + plugin + ' across ' + hosts.length + ' hosts'}),
    el('a', {className: 'button', href: location.pathname + '?' + other.toString().replace(/%2C/g, ','),
      'data-testid': 'compare-mode', text: overlaid ? 'Side by side' : 'Overlaid'})));
  main.appendChild(rangeToolbar());
  const grid = el('div', {className: overlaid ? '' : 'grid'});
  main.appendChild(grid);
  if (overlaid) {
    const graph = NumeterGraph.ofComparison(plugin, hosts);
    graph.card.classList.add('wide');
    grid.appendChild(graph.card);
    App.graphs.push(graph);
  }
  for (const h of overlaid ? [] : hosts) {
    const graph = new NumeterGraph(h, plugin, h, null, h + '-' + plugin, true);
    grid.appendChild(graph.card);
    App.graphs.push(graph);
  }
  await runLimited(App.graphs.map(g => () => g.load(App.range, state.zoom, state.hide)), 4);
  writeUrl(false);
  document.body.dataset.graphsLoaded = String(App.graphs.length);
}

// ---- events ----

App.events = [];

// The events of the page's host, or on a dashboard those of every host the caller may see (each view shows its
// own hosts' ones).
async function loadEvents() {
  if (!App.eventsPanel) return;
  const range = '&from=' + App.range.from + '&to=' + App.range.to;
  if (App.eventsHost) {
    [App.events] = await Promise.all([Api.get('/api/events?host=' + encodeURIComponent(App.eventsHost) + range),
      Alerts.loadMarks(App.eventsHost, App.range)]);
  } else {
    App.events = await Api.get('/api/events?' + range.substring(1));
  }
  const panel = clear(App.eventsPanel);
  if (!App.events.length) panel.appendChild(el('p', {className: 'muted', text: 'No event in this range.'}));
  for (const e of App.events) {
    panel.appendChild(el('div', {className: 'event', 'data-testid': 'event-' + e.id},
      el('span', {className: 'when', text: TimeZone.format(e.at * 1000)}),
      el('strong', {text: e.title}),
      e.comment ? el('span', {className: 'comment', text: e.comment}) : null,
      e.deletable ? el('button', {type: 'button', className: 'button small danger', text: 'Delete', onclick: async () => {
        await Api.del('/api/events/' + e.id);
        await redrawEvents();
      }}) : null));
  }
}

// Redraws the events on every graph; a relative range first moves to now, so that an event just added at "now"
// is inside it at once.
async function redrawEvents() {
  if (App.range.relative) {
    App.range = relativeRange(App.range.spec);
    await loadEvents();
    await runLimited(App.graphs.filter(g => !g.zoomWindow).map(g => () => g.refresh(App.range)), 4);
  } else {
    await loadEvents();
  }
  App.graphs.forEach(g => { if (g.dygraph) { g.annotate(); g.dygraph.updateOptions({}); } });
}

function eventsSection(hosts) {
  const when = el('input', {type: 'datetime-local', 'aria-label': 'event time', 'data-testid': 'event-when'});
  const title = el('input', {placeholder: 'what happened', maxlength: 100, 'data-testid': 'event-title'});
  const comment = el('input', {placeholder: 'comment (optional)', maxlength: 2000, 'data-testid': 'event-comment'});
  const message = el('span', {className: 'error'});
  const form = el('form', {className: 'inline-form', onsubmit: async e => {
    e.preventDefault();
    message.textContent = '';
    const at = when.value ? TimeZone.parseInput(when.value) : now();
    try {
      await Api.post('/api/events', {at, title: title.value, comment: comment.value, hosts});
      title.value = comment.value = '';
      await redrawEvents();
    } catch (err) { message.textContent = err.message; }
  }}, when, title, comment, el('button', {type: 'submit', className: 'button', text: 'Add event',
    'data-testid': 'add-event'}), message);
  return el('details', {className: 'events-box'}, el('summary', {text: 'Events'}), App.eventsPanel, form);
}

// ---- dashboards ----

async function dashboardsPage() {
  const main = clear(document.getElementById('main'));
  const [boards, groups] = await Promise.all([Api.get('/api/dashboards'), Api.get('/api/groups')]);
  main.appendChild(el('h1', {text: 'Dashboards'}));
  const message = el('p', {className: 'message error', role: 'status', 'data-testid': 'dashboards-message'});
  main.appendChild(message);
  main.appendChild(boards.length ? el('ul', {className: 'plain boards'}, boards.map(b => el('li', {},
    el('a', {href: '/dashboards/' + b.id, text: b.name, 'data-testid': 'dashboard-link'}),
    el('span', {className: 'muted', text: ' by ' + b.owner}))))
    : el('p', {className: 'muted', text: 'No dashboard yet.'}));
  const name = el('input', {placeholder: 'dashboard name', maxlength: 100, 'data-testid': 'new-dashboard'});
  main.appendChild(el('section', {className: 'admin'}, el('h2', {text: 'New dashboard'}),
    el('form', {className: 'inline-form', onsubmit: async e => {
      e.preventDefault();
      try {
        const made = await Api.post('/api/dashboards', {name: name.value});
        window.location.assign('/dashboards/' + made.id);
      } catch (err) { message.textContent = err.message; }
    }}, name, el('button', {type: 'submit', className: 'button', text: 'Create'}))));
  const skName = el('input', {placeholder: 'dashboard name', maxlength: 100, 'data-testid': 'skeleton-name'});
  const skHosts = el('input', {placeholder: 'hosts, e.g. web*', value: '*', maxlength: 200, 'data-testid': 'skeleton-hosts'});
  const skPlugin = el('input', {placeholder: 'plugin, e.g. load', maxlength: 200, 'data-testid': 'skeleton-plugin'});
  const skField = el('input', {placeholder: 'field, e.g. *', value: '*', maxlength: 200, 'data-testid': 'skeleton-field'});
  const share = groupChecks(groups, [], 'skeleton-share');
  main.appendChild(el('section', {className: 'admin'}, el('h2', {text: 'New dashboard from a skeleton'}),
    el('p', {className: 'muted', text: 'One view per host you may see whose plugin and field match the patterns'
      + ' (* and ? work).'}),
    el('form', {className: 'inline-form', onsubmit: async e => {
      e.preventDefault();
      try {
        const made = await Api.post('/api/skeletons', {name: skName.value, hosts: skHosts.value,
          plugin: skPlugin.value, field: skField.value, shareGroupIds: checkedIds(share)});
        window.location.assign('/dashboards/' + made.id);
      } catch (err) { message.textContent = err.message; }
    }}, skName, skHosts, skPlugin, skField, el('span', {className: 'muted', text: 'share with'}), share,
    el('button', {type: 'submit', className: 'button', text: 'Create from skeleton', 'data-testid': 'apply-skeleton'}))));
}

async function dashboardPage(id) {
  const main = clear(document.getElementById('main'));
  let board;
  try {
    board = await Api.get('/api/dashboards/' + id);
  } catch (e) {
    main.appendChild(el('h1', {text: 'Dashboard not found'}));
    return;
  }
  const state = urlState(relativeRange('day'));
  App.range = state.range;
  App.refresh = state.refresh;
  App.eventsHost = null;
  main.appendChild(el('div', {className: 'page-head'}, el('h1', {text: board.name}),
    el('span', {className: 'muted', text: 'by ' + board.owner})));
  main.appendChild(rangeToolbar());
  const boardHosts = [...new Set(board.views.flatMap(v => v.sources.map(s => s.host)))];
  App.eventsPanel = el('div', {className: 'events', 'data-testid': 'events'});
  if (boardHosts.length) main.appendChild(eventsSection(boardHosts));
  const message = el('p', {className: 'message error', role: 'status'});
  main.appendChild(message);
  const grid = el('div', {className: 'grid'});
  main.appendChild(grid);
  const viewIds = board.views.map(v => v.id);
  const save = async changes => {
    const body = Object.assign({name: board.name, viewIds, shareUsers: board.shareUsers,
      shareGroupIds: board.shareGroupIds}, changes);
    await Api.put('/api/dashboards/' + id, body);
    window.location.reload();
  };
  // moves a view one place earlier (-1) or later (+1)
  const move = (viewId, by) => {
    const order = viewIds.slice();
    const at = order.indexOf(viewId);
    const to = at + by;
    if (to < 0 || to >= order.length) return Promise.resolve();
    [order[at], order[to]] = [order[to], order[at]];
    return save({viewIds: order});
  };
  let editor = null;
  for (const view of board.views) {
    const graph = NumeterGraph.ofView(view);
    const hosts = new Set(view.sources.map(s => s.host));
    graph.events = () => App.events.filter(e => e.hosts.some(h => hosts.has(h)));
    if (board.editable) {
      const fail = e => { message.textContent = e.message; };
      graph.actions.appendChild(el('button', {type: 'button', className: 'button', text: '←',
        'aria-label': 'move ' + view.name + ' earlier', 'data-testid': 'earlier-' + view.id,
        onclick: () => move(view.id, -1).catch(fail)}));
      graph.actions.appendChild(el('button', {type: 'button', className: 'button', text: '→',
        'aria-label': 'move ' + view.name + ' later', 'data-testid': 'later-' + view.id,
        onclick: () => move(view.id, 1).catch(fail)}));
      if (view.editable) {
        graph.actions.appendChild(el('button', {type: 'button', className: 'button', text: 'Edit',
          'data-testid': 'edit-view-' + view.id, onclick: () => editor.edit(view)}));
      }
      graph.actions.appendChild(el('button', {type: 'button', className: 'button', text: 'Remove',
        onclick: () => save({viewIds: viewIds.filter(v => v !== view.id)}).catch(fail)}));
    }
    grid.appendChild(graph.card);
    App.graphs.push(graph);
  }
  if (!board.views.length) main.appendChild(el('p', {className: 'muted', text: 'This dashboard has no view yet.'}));
  // a skeleton's views (one plugin, one view per host) compare side by side or overlaid
  const plugins = [...new Set(board.views.flatMap(v => v.sources.map(x => x.plugin)))];
  if (plugins.length === 1 && boardHosts.length > 1) {
    const head = main.querySelector('.page-head');
    head.appendChild(el('a', {className: 'button', 'data-testid': 'compare-board', text: 'Compare these hosts',
      href: '/compare?plugin=' + encodeURIComponent(plugins[0]) + '&hosts='
        + boardHosts.slice(0, 24).map(encodeURIComponent).join(',') + '&overlay=1'}));
  }
  if (board.editable) {
    editor = await dashboardEditor(board, save, message);
    main.appendChild(editor.node);
  }
  await loadEvents();
  await runLimited(App.graphs.map(g => () => g.load(App.range, state.zoom, state.hide)), 4);
  writeUrl(false);
  document.body.dataset.graphsLoaded = String(App.graphs.length);
}

// Picks a source among what exists and may be seen: a host, then one of its plugins, then one of its fields.
function sourcePicker(onPick) {
  const host = el('select', {'aria-label': 'host', 'data-testid': 'pick-host'});
  const plugin = el('select', {'aria-label': 'plugin', 'data-testid': 'pick-plugin', disabled: true});
  const field = el('select', {'aria-label': 'field', 'data-testid': 'pick-field', disabled: true});
  const fill = (select, options, prompt) => {
    clear(select);
    select.appendChild(el('option', {value: '', text: prompt}));
    for (const [value, text] of options) select.appendChild(el('option', {value, text}));
    select.disabled = !options.length;
  };
  Api.get('/api/hosts').then(hosts => fill(host, hosts.filter(h => h.available).map(h => [h.id, h.id]),
    'host…'));
  fill(plugin, [], 'plugin…');
  fill(field, [], 'field…');
  host.addEventListener('change', async () => {
    fill(plugin, [], 'plugin…');
    fill(field, [], 'field…');
    if (!host.value) return;
    const detail = await Api.get('/api/hosts/' + encodeURIComponent(host.value));
    fill(plugin, detail.categories.flatMap(c => c.plugins).map(p => [p.name, p.title + ' (' + p.name + ')']),
      'plugin…');
  });
  plugin.addEventListener('change', async () => {
    fill(field, [], 'field…');
    if (!plugin.value) return;
    const answer = await Api.get('/api/hosts/' + encodeURIComponent(host.value) + '/plugins/'
      + encodeURIComponent(plugin.value));
    fill(field, (answer.meta.fields || []).map(f => [f.name, (f.label || f.name) + ' (' + f.name + ')']),
      'field…');
  });
  const add = el('button', {type: 'button', className: 'button', text: 'Add source', 'data-testid': 'pick-add',
    onclick: () => {
      if (host.value && plugin.value && field.value) onPick({host: host.value, plugin: plugin.value, field: field.value});
    }});
  return el('span', {className: 'picker'}, host, plugin, field, add);
}

// The form that adds a view to the dashboard, or edits one of its views (edit(view)).
async function dashboardEditor(board, save, message) {
  const groups = await Api.get('/api/groups');
  const name = el('input', {placeholder: 'view name', maxlength: 100, 'aria-label': 'view name',
    'data-testid': 'view-name'});
  let chosen = [];
  let editing = null;
  const list = el('ul', {className: 'plain sources', 'data-testid': 'view-sources'});
  const showSources = () => {
    clear(list);
    chosen.forEach((src, i) => list.appendChild(el('li', {}, src.host + ' ' + src.plugin + '.' + src.field + ' ',
      el('button', {type: 'button', className: 'button small danger', text: 'Remove',
        'aria-label': 'remove ' + src.host + ' ' + src.plugin + '.' + src.field, onclick: () => {
          chosen.splice(i, 1);
          showSources();
        }}))));
    if (!chosen.length) list.appendChild(el('li', {className: 'muted', text: 'No source yet: pick one above.'}));
  };
  showSources();
  const picker = sourcePicker(src => {
    if (!chosen.some(c => c.host === src.host && c.plugin === src.plugin && c.field === src.field)) chosen.push(src);
    showSources();
  });
  const warning = el('input', {type: 'number', step: 'any', placeholder: 'warning', 'aria-label': 'warning'});
  const critical = el('input', {type: 'number', step: 'any', placeholder: 'critical', 'aria-label': 'critical'});
  const title = el('h2', {text: 'Add a view'});
  const submit = el('button', {type: 'submit', className: 'button', text: 'Add view', 'data-testid': 'save-view'});
  const users = el('input', {placeholder: 'share with users (comma-separated)', maxlength: 2000,
    'aria-label': 'share with users', value: (board.shareUsers || []).join(', ')});
  const share = groupChecks(groups, board.shareGroupIds || [], 'board-share');
  const fail = e => { message.textContent = e.message; };
  const form = el('form', {className: 'view-form', onsubmit: async e => {
    e.preventDefault();
    try {
      const body = {name: name.value, sources: chosen,
        warning: warning.value === '' ? null : Number(warning.value),
        critical: critical.value === '' ? null : Number(critical.value)};
      if (editing) {
        await Api.put('/api/views/' + editing.id, body);
        window.location.reload();
      } else {
        const view = await Api.post('/api/views', body);
        await save({viewIds: board.views.map(v => v.id).concat([view.id])});
      }
    } catch (err) { fail(err); }
  }}, el('div', {className: 'inline-form'}, name, warning, critical), el('div', {className: 'inline-form'}, picker),
  list, submit);
  const node = el('section', {className: 'admin', 'data-testid': 'view-editor'}, title, form,
    el('h2', {text: 'Sharing'}),
    el('form', {className: 'inline-form', onsubmit: e => {
      e.preventDefault();
      save({shareUsers: users.value.split(',').map(u => u.trim()).filter(u => u), shareGroupIds: checkedIds(share)})
        .catch(fail);
    }}, users, share, el('button', {type: 'submit', className: 'button', text: 'Save sharing'})),
    el('button', {type: 'button', className: 'button danger', text: 'Delete dashboard', onclick: async () => {
      if (!confirm('Delete dashboard ' + board.name + '?')) return;
      try {
        await Api.del('/api/dashboards/' + board.id);
        window.location.assign('/dashboards');
      } catch (err) { fail(err); }
    }}));
  const edit = view => {
    editing = view;
    title.textContent = 'Edit view ' + view.name;
    submit.textContent = 'Save view';
    name.value = view.name;
    warning.value = view.warning === null ? '' : view.warning;
    critical.value = view.critical === null ? '' : view.critical;
    chosen = view.sources.map(x => ({host: x.host, plugin: x.plugin, field: x.field}));
    showSources();
    node.scrollIntoView();
    name.focus();
  };
  return {node, edit};
}

async function runLimited(tasks, limit) {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++];
      await task();
    }
  };
  await Promise.all(Array.from({length: Math.min(limit, tasks.length)}, worker));
}

function rangeToolbar() {
  const buttons = Object.keys(Ranges).map(name => el('button', {type: 'button',
    className: App.range && App.range.name === name ? 'button range active' : 'button range',
    text: name, 'data-range': name, title: RangeSpecs[name], onclick: () => setRange(relativeRange(name))}));
  const fromInput = el('input', {type: 'datetime-local', 'aria-label': 'from', 'data-testid': 'range-from'});
  const toInput = el('input', {type: 'datetime-local', 'aria-label': 'to', 'data-testid': 'range-to'});
  // the inputs are in the page's time zone
  const epoch = value => TimeZone.parseInput(value);
  const apply = el('button', {type: 'button', className: 'button', text: 'Apply', onclick: () => {
    const from = epoch(fromInput.value);
    const to = epoch(toInput.value);
    if (isFinite(from) && isFinite(to) && from < to) setRange({name: 'custom', from, to, relative: false});
  }});
  const refresh = el('select', {'aria-label': 'refresh every', 'data-testid': 'refresh',
    onchange: e => {
      App.refresh = e.target.value;
      scheduleRefresh();
      writeUrl(true);
    }}, Object.keys(RefreshChoices).map(k => el('option', {value: k, text: k === 'off' ? 'no refresh'
      : 'refresh ' + k, selected: k === App.refresh})));
  scheduleRefresh();
  const zone = el('select', {'aria-label': 'time zone', 'data-testid': 'time-zone', onchange: e => {
    TimeZone.set(e.target.value);
    window.location.reload();
  }}, el('option', {value: 'UTC', text: 'times in UTC', selected: TimeZone.name === 'UTC'}),
  el('option', {value: 'local', text: 'times in ' + Intl.DateTimeFormat().resolvedOptions().timeZone,
    selected: TimeZone.name === 'local'}));
  const copied = el('span', {className: 'muted', role: 'status', 'data-testid': 'copied'});
  const copy = el('button', {type: 'button', className: 'button', text: 'Copy link', 'data-testid': 'copy-link',
    title: 'A link to this page as you see it: range, zoom, hidden series', onclick: async () => {
      writeUrl(false);
      try {
        await navigator.clipboard.writeText(location.href);
        copied.textContent = 'link copied';
      } catch (e) {
        copied.textContent = location.href;
      }
    }});
  return el('div', {className: 'toolbar'}, buttons, el('span', {className: 'sep'}), 'from ', fromInput, ' to ',
    toInput, apply, el('span', {className: 'sep'}), refresh, zone, copy, copied);
}

function markRange() {
  for (const b of document.querySelectorAll('button.range')) {
    b.classList.toggle('active', b.dataset.range === App.range.name);
  }
}

async function setRange(range) {
  App.range = range;
  markRange();
  for (const g of App.graphs) g.zoomWindow = null;
  writeUrl(true);
  await loadEvents();
  return runLimited(App.graphs.map(g => () => g.refresh(range)), 4);
}

// Relative ranges slide with the clock at the chosen interval; zoomed graphs and fixed ranges stay where they are.
function scheduleRefresh() {
  clearInterval(App.timer);
  const seconds = RefreshChoices[App.refresh || '1m'];
  if (!seconds) return;
  App.timer = setInterval(() => {
    if (!App.range || !App.range.relative) return;
    App.range = relativeRange(App.range.spec);
    loadEvents().then(() => runLimited(App.graphs.filter(g => !g.zoomWindow).map(g => () => g.refresh(App.range)), 2));
  }, seconds * 1000);
}

// ---- admin ----

async function adminPage() {
  const main = clear(document.getElementById('main'));
  main.appendChild(el('h1', {text: 'Administration'}));
  const message = el('p', {className: 'message', role: 'status', 'data-testid': 'admin-message'});
  main.appendChild(message);
  const report = async (action, done) => {
    message.textContent = '';
    message.classList.remove('error');
    try {
      await action();
      message.textContent = done;
      await adminSections(main, message, report);
      await renderTree(document.getElementById('search').value);
    } catch (e) {
      message.textContent = e.message;
      message.classList.add('error');
    }
  };
  await adminSections(main, message, report);
}

async function adminSections(main, message, report) {
  for (const old of main.querySelectorAll('section.admin')) old.remove();
  const [users, groups, hosts, storages] = await Promise.all([Api.get('/api/users'), Api.get('/api/groups'),
    Api.get('/api/hosts'), Api.get('/api/storages')]);
  main.appendChild(usersSection(users, groups, report));
  main.appendChild(groupsSection(groups, report));
  main.appendChild(hostsSection(hosts, groups, report));
  main.appendChild(await Alerts.adminSection(report));
  const url = el('input', {placeholder: 'http://storage2:4952/', maxlength: 2000, size: 40,
    'data-testid': 'new-storage'});
  main.appendChild(el('section', {className: 'admin'}, el('h2', {text: 'Storages'}),
    el('table', {className: 'table'}, el('thead', {}, el('tr', {}, el('th', {text: 'Address'}),
      el('th', {text: 'State'}), el('th', {text: 'Hosts'}), el('th', {text: 'Write-behind'}), el('th', {text: ''}))),
    el('tbody', {}, storages.map(s => el('tr', {'data-testid': 'storage-row'}, el('td', {text: s.uri}),
      el('td', {className: s.up && !s.error ? 'ok' : 'error', 'data-testid': 'storage-state',
        text: s.up ? (s.error ? 'up, but: ' + s.error : 'up') : 'down: ' + (s.error || '')}),
      el('td', {text: String(s.hosts)}),
      writeBehindCell(s.writeBehind),
      el('td', {}, s.id === null ? el('span', {className: 'muted', text: 'from the configuration'})
        : el('button', {type: 'button', className: 'button small danger', text: 'Remove',
          onclick: () => report(() => Api.del('/api/storages/' + s.id), 'Storage removed.')})))))),
    el('form', {className: 'inline-form', onsubmit: e => {
      e.preventDefault();
      report(() => Api.post('/api/storages', {url: url.value}), 'Storage ' + url.value + ' added.');
    }}, url, el('button', {type: 'submit', className: 'button', text: 'Add storage'}))));
}

function bytesText(n) {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? String(n) : n.toFixed(1)) + ' ' + units[i];
}

function ageText(seconds) {
  if (seconds < 120) return seconds + ' s';
  if (seconds < 7200) return Math.floor(seconds / 60) + ' min';
  return Math.floor(seconds / 3600) + ' h';
}

/**
 * A storage's write-behind as its status tells it (docs/api.md: writeBehind, replay): lines, those that want an
 * operator's eye marked bad; none when it keeps none.
 */
function writeBehindLines(wb) {
  if (!wb) return [];
  const lines = [];
  const line = (text, bad) => lines.push({text, bad: !!bad});
  if (wb.pendingBytes !== null) {
    line(wb.pendingBytes === 0 ? 'nothing waiting to be written'
      : bytesText(wb.pendingBytes) + ' waiting to be written'
        + (wb.oldestPendingSeconds !== null ? ', the oldest for ' + ageText(wb.oldestPendingSeconds) : ''));
  }
  if (wb.replay === 'replaying') {
    const pct = wb.replayTotalBytes ? Math.floor(100 * wb.replayBytes / wb.replayTotalBytes) : 0;
    line('replaying the journal of the last run: ' + (wb.replayRecords || 0).toLocaleString('en') + ' records, '
      + pct + ' % of ' + bytesText(wb.replayTotalBytes || 0), true);
  } else if (wb.replay === 'done') {
    line('journal replayed at start: ' + (wb.replayRecords || 0).toLocaleString('en') + ' records'
      + (wb.replayEnded ? ' (ended ' + wb.replayEnded + ')' : ''));
  }
  if (wb.replayCorruptRecords) {
    line(wb.replayCorruptRecords + ' corrupt journal record' + (wb.replayCorruptRecords === 1 ? '' : 's')
      + ' skipped (the storage log names each file and offset)', true);
  }
  if (wb.replayProblem) line('replay: ' + wb.replayProblem, true);
  if (wb.quarantineKeptPoints) {
    line(wb.quarantineKeptPoints + ' waiting points of quarantined files kept in their new files');
  }
  if (wb.quarantineDroppedPoints) {
    line(wb.quarantineDroppedPoints + ' waiting points lost with quarantined files (the storage log names each'
      + ' plugin)', true);
  }
  return lines;
}

function writeBehindCell(wb) {
  const lines = writeBehindLines(wb);
  return el('td', {'data-testid': 'storage-write-behind'}, lines.length
    ? lines.map(l => el('div', {className: l.bad ? 'error' : null, text: l.text}))
    : el('span', {className: 'muted', text: '—'}));
}

function groupChecks(groups, selected, prefix) {
  return el('span', {className: 'checks'}, groups.map(g => el('label', {},
    el('input', {type: 'checkbox', value: g.id, checked: selected.includes(g.id),
      'data-testid': prefix + '-' + g.name}), g.name)));
}

function checkedIds(container) {
  return Array.from(container.querySelectorAll('input[type=checkbox]:checked')).map(c => Number(c.value));
}

function usersSection(users, groups, report) {
  const username = el('input', {placeholder: 'username', maxlength: 64, 'data-testid': 'new-username'});
  const email = el('input', {placeholder: 'email', maxlength: 254, 'data-testid': 'new-email'});
  const password = el('input', {type: 'password', placeholder: 'password (8+)', maxlength: 200,
    'data-testid': 'new-password'});
  const superuser = el('input', {type: 'checkbox'});
  const checks = groupChecks(groups, [], 'new-user-group');
  const form = el('form', {className: 'inline-form', onsubmit: e => {
    e.preventDefault();
    report(() => Api.post('/api/users', {username: username.value, email: email.value, password: password.value,
      superuser: superuser.checked, groupIds: checkedIds(checks)}), 'User ' + username.value + ' created.');
  }}, username, email, password, el('label', {}, superuser, ' superuser'), checks,
    el('button', {type: 'submit', className: 'button', text: 'Create user', 'data-testid': 'create-user'}));
  return el('section', {className: 'admin'}, el('h2', {text: 'Users'}),
    el('table', {className: 'table'},
      el('thead', {}, el('tr', {}, ['User', 'Email', 'Groups', 'State', ''].map(t => el('th', {text: t})))),
      el('tbody', {}, users.map(u => {
        const ugroups = groupChecks(groups, u.groups.map(g => g.id), 'user-' + u.username + '-group');
        return el('tr', {'data-testid': 'user-row-' + u.username},
          el('td', {text: u.username + (u.superuser ? ' (superuser)' : '')}), el('td', {text: u.email}),
          el('td', {}, ugroups, el('button', {type: 'button', className: 'button small', text: 'Save groups',
            onclick: () => report(() => Api.put('/api/users/' + u.id, {groupIds: checkedIds(ugroups)}),
              'Groups of ' + u.username + ' saved.')})),
          el('td', {text: u.active ? 'active' : 'inactive'}),
          el('td', {}, el('button', {type: 'button', className: 'button small', text: u.active ? 'Deactivate' : 'Activate',
            onclick: () => report(() => Api.put('/api/users/' + u.id, {active: !u.active}), 'Saved.')}),
          el('button', {type: 'button', className: 'button small',
            text: u.superuser ? 'Remove superuser' : 'Make superuser',
            onclick: () => report(() => Api.put('/api/users/' + u.id, {superuser: !u.superuser}), 'Saved.')}),
          el('button', {type: 'button', className: 'button small danger', text: 'Delete',
            onclick: () => confirm('Delete user ' + u.username + '?')
              && report(() => Api.del('/api/users/' + u.id), 'User deleted.')})));
      }))),
    el('h3', {text: 'New user'}), form);
}

function groupsSection(groups, report) {
  const name = el('input', {placeholder: 'group name', maxlength: 64, 'data-testid': 'new-group'});
  return el('section', {className: 'admin'}, el('h2', {text: 'Groups'}),
    el('ul', {className: 'plain'}, groups.map(g => el('li', {}, g.name, ' ',
      el('button', {type: 'button', className: 'button small danger', text: 'Delete',
        onclick: () => confirm('Delete group ' + g.name + '?')
          && report(() => Api.del('/api/groups/' + g.id), 'Group deleted.')})))),
    el('form', {className: 'inline-form', onsubmit: e => {
      e.preventDefault();
      report(() => Api.post('/api/groups', {name: name.value}), 'Group ' + name.value + ' created.');
    }}, name, el('button', {type: 'submit', className: 'button', text: 'Create group', 'data-testid': 'create-group'})));
}

function hostsSection(hosts, groups, report) {
  const byName = Object.fromEntries(groups.map(g => [g.name, g.id]));
  return el('section', {className: 'admin'}, el('h2', {text: 'Hosts'}),
    el('table', {className: 'table'},
      el('thead', {}, el('tr', {}, ['Host', 'State', 'Groups', ''].map(t => el('th', {text: t})))),
      el('tbody', {}, hosts.map(h => {
        const checks = groupChecks(groups, h.groups.map(n => byName[n]), 'host-' + h.id + '-group');
        return el('tr', {'data-testid': 'host-row-' + h.id},
          el('td', {}, el('a', {href: hostPath(h.id), text: h.id})),
          el('td', {text: h.available ? 'available' : 'unavailable'}),
          el('td', {}, checks),
          el('td', {}, el('button', {type: 'button', className: 'button small', text: 'Save',
            'data-testid': 'save-host-' + h.id,
            onclick: () => report(() => Api.put('/api/hosts/' + encodeURIComponent(h.id) + '/groups',
              {groupIds: checkedIds(checks)}), 'Groups of ' + h.id + ' saved.')})));
      }))));
}

// ---- account ----

async function accountPage() {
  const main = clear(document.getElementById('main'));
  const message = el('p', {className: 'message', role: 'status'});
  const current = el('input', {type: 'password', placeholder: 'current password', maxlength: 200});
  const next = el('input', {type: 'password', placeholder: 'new password (8+)', maxlength: 200});
  const tokenName = el('input', {placeholder: 'token name', maxlength: 100});
  const tokenList = el('tbody');
  const shown = el('p', {className: 'secret'});
  const say = (text, bad) => { message.textContent = text; message.classList.toggle('error', !!bad); };
  const loadTokens = async () => {
    clear(tokenList);
    for (const t of await Api.get('/api/tokens')) {
      tokenList.appendChild(el('tr', {}, el('td', {text: t.name}),
        el('td', {text: TimeZone.format(t.createdAt)}),
        el('td', {text: t.lastUsed ? TimeZone.format(t.lastUsed) : 'never'}),
        el('td', {}, el('button', {type: 'button', className: 'button small danger', text: 'Revoke', onclick: async () => {
          await Api.del('/api/tokens/' + t.id);
          await loadTokens();
        }}))));
    }
  };
  main.appendChild(el('h1', {text: 'Account: ' + App.session.user.username}));
  main.appendChild(message);
  main.appendChild(el('section', {className: 'admin'}, el('h2', {text: 'Password'}),
    el('form', {className: 'inline-form', onsubmit: async e => {
      e.preventDefault();
      try {
        await Api.put('/api/session/password', {current: current.value, password: next.value});
        say('Password changed.');
        current.value = next.value = '';
      } catch (err) { say(err.message, true); }
    }}, current, next, el('button', {type: 'submit', className: 'button', text: 'Change password'}))));
  main.appendChild(el('section', {className: 'admin'}, el('h2', {text: 'API tokens'}),
    el('p', {className: 'muted', text: 'Scripts send a token as "Authorization: Bearer <token>". It is shown once.'}),
    el('table', {className: 'table'}, el('thead', {}, el('tr', {},
      ['Name', 'Created', 'Last used', ''].map(t => el('th', {text: t})))), tokenList),
    el('form', {className: 'inline-form', onsubmit: async e => {
      e.preventDefault();
      try {
        const t = await Api.post('/api/tokens', {name: tokenName.value});
        shown.textContent = 'New token ' + t.name + ': ' + t.token;
        tokenName.value = '';
        await loadTokens();
      } catch (err) { say(err.message, true); }
    }}, tokenName, el('button', {type: 'submit', className: 'button', text: 'Create token'})), shown));
  await loadTokens();
  main.appendChild(Alerts.contactsSection());
}

document.addEventListener('DOMContentLoaded', () => start().catch(e => {
  const main = document.getElementById('main');
  clear(main).appendChild(el('p', {className: 'error', text: 'Numeter failed to start: ' + e.message}));
}));
