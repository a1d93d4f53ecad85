// The signed-in application: a host tree, the automatic dashboard of a host, admin and account pages. Every
// datum comes from the REST API (docs/api.md, section 3), which applies the permissions.
'use strict';

const App = {session: null, range: null, graphs: [], timer: null};

function now() { return Math.floor(Date.now() / 1000); }

function relativeRange(name) {
  const to = now();
  return {name, from: to - Ranges[name], to, relative: true};
}

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
  const search = document.getElementById('search');
  let pending = null;
  search.addEventListener('input', () => {
    clearTimeout(pending);
    pending = setTimeout(() => renderTree(search.value), 200);
  });
  const path = window.location.pathname;
  await renderTree('');
  if (path.startsWith('/hosts/')) await hostPage(decodeURIComponent(path.substring('/hosts/'.length)));
  else if (path === '/admin') await adminPage();
  else if (path === '/account') await accountPage();
  else if (path === '/problems') await Alerts.page();
  else if (path === '/dashboards') await dashboardsPage();
  else if (path.startsWith('/dashboards/')) await dashboardPage(Number(path.substring('/dashboards/'.length)));
  else await overviewPage();
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
  return epochSecond ? new Date(epochSecond * 1000).toLocaleString() : '—';
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
  const params = new URLSearchParams(location.search);
  const asked = params.get('range');
  App.range = relativeRange(Object.prototype.hasOwnProperty.call(Ranges, asked) ? asked
    : host.firstSeen > now() - 6 * 3600 ? 'hour' : 'day');
  // ?from=&to= (epoch seconds): a fixed range, as the Problems page links to the moment of a change
  const from = Number(params.get('from')), to = Number(params.get('to'));
  if (from > 0 && to > from) App.range = {name: 'custom', from, to, relative: false};
  treeCategories(host);
  main.appendChild(el('div', {className: 'page-head'},
    el('h1', {text: host.id}),
    el('span', {className: 'groups'}, host.groups.map(g => el('span', {className: 'badge', text: g})))));
  if (host.future || host.late) {
    main.appendChild(el('p', {className: 'notice', 'data-testid': 'clock',
      text: 'Since the storage started, it refused ' + host.future + ' points of this host stamped too far in the'
        + ' future and dropped ' + host.late + ' points older than what it held: is this host\'s clock right?'}));
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
  main.appendChild(eventsSection(host.id));
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
      grid.appendChild(graph.card);
      App.graphs.push(graph);
      work.push(graph);
    }
  }
  await loadEvents();
  await runLimited(work.map(g => () => g.load(App.range)), 4);
  document.body.dataset.graphsLoaded = String(App.graphs.length);
}

// ---- events ----

App.events = [];

async function loadEvents() {
  if (!App.eventsHost) return;
  [App.events] = await Promise.all([Api.get('/api/events?host=' + encodeURIComponent(App.eventsHost) + '&from='
    + App.range.from + '&to=' + App.range.to), Alerts.loadMarks(App.eventsHost, App.range)]);
  const panel = clear(App.eventsPanel);
  if (!App.events.length) panel.appendChild(el('p', {className: 'muted', text: 'No event in this range.'}));
  for (const e of App.events) {
    panel.appendChild(el('div', {className: 'event', 'data-testid': 'event-' + e.id},
      el('span', {className: 'when', text: new Date(e.at * 1000).toLocaleString()}),
      el('strong', {text: e.title}),
      e.comment ? el('span', {className: 'comment', text: e.comment}) : null,
      e.deletable ? el('button', {type: 'button', className: 'button small danger', text: 'Delete', onclick: async () => {
        await Api.del('/api/events/' + e.id);
        await loadEvents();
        App.graphs.forEach(g => g.annotate && g.dygraph && (g.annotate(), g.dygraph.updateOptions({})));
      }}) : null));
  }
}

function eventsSection(hostId) {
  const when = el('input', {type: 'datetime-local', 'aria-label': 'event time', 'data-testid': 'event-when'});
  const title = el('input', {placeholder: 'what happened', maxlength: 100, 'data-testid': 'event-title'});
  const comment = el('input', {placeholder: 'comment (optional)', maxlength: 2000, 'data-testid': 'event-comment'});
  const message = el('span', {className: 'error'});
  const form = el('form', {className: 'inline-form', onsubmit: async e => {
    e.preventDefault();
    message.textContent = '';
    const at = when.value ? Math.floor(new Date(when.value).getTime() / 1000) : now();
    try {
      await Api.post('/api/events', {at, title: title.value, comment: comment.value, hosts: [hostId]});
      title.value = comment.value = '';
      await loadEvents();
      App.graphs.forEach(g => { if (g.dygraph) { g.annotate(); g.dygraph.updateOptions({}); } });
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
  App.range = relativeRange('day');
  App.eventsHost = null;
  main.appendChild(el('div', {className: 'page-head'}, el('h1', {text: board.name}),
    el('span', {className: 'muted', text: 'by ' + board.owner})));
  main.appendChild(rangeToolbar());
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
  for (const view of board.views) {
    const graph = NumeterGraph.ofView(view);
    if (board.editable) {
      graph.actions.appendChild(el('button', {type: 'button', className: 'button', text: 'Remove',
        onclick: () => save({viewIds: viewIds.filter(v => v !== view.id)}).catch(e => { message.textContent = e.message; })}));
    }
    grid.appendChild(graph.card);
    App.graphs.push(graph);
  }
  if (!board.views.length) main.appendChild(el('p', {className: 'muted', text: 'This dashboard has no view yet.'}));
  if (board.editable) main.appendChild(await dashboardEditor(board, save, message));
  await runLimited(App.graphs.map(g => () => g.load(App.range)), 4);
  document.body.dataset.graphsLoaded = String(App.graphs.length);
}

async function dashboardEditor(board, save, message) {
  const groups = await Api.get('/api/groups');
  const name = el('input', {placeholder: 'view name', maxlength: 100});
  const sources = el('textarea', {rows: 3, cols: 50, placeholder: 'one source a line: host plugin field'});
  const warning = el('input', {type: 'number', step: 'any', placeholder: 'warning'});
  const critical = el('input', {type: 'number', step: 'any', placeholder: 'critical'});
  const users = el('input', {placeholder: 'share with users (comma-separated)', maxlength: 2000,
    value: (board.shareUsers || []).join(', ')});
  const share = groupChecks(groups, board.shareGroupIds || [], 'board-share');
  const fail = e => { message.textContent = e.message; };
  return el('section', {className: 'admin'},
    el('h2', {text: 'Add a view'}),
    el('form', {className: 'inline-form', onsubmit: async e => {
      e.preventDefault();
      try {
        const list = sources.value.split('\n').map(l => l.trim()).filter(l => l).map(l => {
          const [host, plugin, field] = l.split(/\s+/);
          return {host, plugin, field};
        });
        const view = await Api.post('/api/views', {name: name.value, sources: list,
          warning: warning.value === '' ? null : Number(warning.value),
          critical: critical.value === '' ? null : Number(critical.value)});
        await save({viewIds: board.views.map(v => v.id).concat([view.id])});
      } catch (err) { fail(err); }
    }}, name, sources, warning, critical, el('button', {type: 'submit', className: 'button', text: 'Add view'})),
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
    text: name, 'data-range': name, onclick: () => setRange(relativeRange(name))}));
  const fromInput = el('input', {type: 'datetime-local', 'aria-label': 'from', 'data-testid': 'range-from'});
  const toInput = el('input', {type: 'datetime-local', 'aria-label': 'to', 'data-testid': 'range-to'});
  const apply = el('button', {type: 'button', className: 'button', text: 'Apply', onclick: () => {
    const from = Math.floor(new Date(fromInput.value).getTime() / 1000);
    const to = Math.floor(new Date(toInput.value).getTime() / 1000);
    if (isFinite(from) && isFinite(to) && from < to) setRange({name: 'custom', from, to, relative: false});
  }});
  const auto = el('input', {type: 'checkbox', checked: true, 'data-testid': 'auto-refresh',
    onchange: e => scheduleRefresh(e.target.checked)});
  scheduleRefresh(true);
  return el('div', {className: 'toolbar'}, buttons, el('span', {className: 'sep'}), 'from ', fromInput, ' to ',
    toInput, apply, el('label', {className: 'auto'}, auto, ' auto refresh'));
}

async function setRange(range) {
  App.range = range;
  await loadEvents();
  for (const b of document.querySelectorAll('button.range')) {
    b.classList.toggle('active', b.dataset.range === range.name);
  }
  return runLimited(App.graphs.map(g => () => g.refresh(range)), 4);
}

// Relative ranges slide with the clock every minute; zoomed graphs and custom ranges stay where they are.
function scheduleRefresh(on) {
  clearInterval(App.timer);
  if (!on) return;
  App.timer = setInterval(() => {
    if (!App.range || !App.range.relative) return;
    App.range = relativeRange(App.range.name);
    loadEvents().then(() => runLimited(App.graphs.filter(g => !g.zoomWindow).map(g => () => g.refresh(App.range)), 2));
  }, 60000);
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
      el('th', {text: 'State'}), el('th', {text: 'Hosts'}), el('th', {text: ''}))),
    el('tbody', {}, storages.map(s => el('tr', {}, el('td', {text: s.uri}),
      el('td', {className: s.up && !s.error ? 'ok' : 'error',
        text: s.up ? (s.error ? 'up, but: ' + s.error : 'up') : 'down: ' + (s.error || '')}),
      el('td', {text: String(s.hosts)}),
      el('td', {}, s.id === null ? el('span', {className: 'muted', text: 'from the configuration'})
        : el('button', {type: 'button', className: 'button small danger', text: 'Remove',
          onclick: () => report(() => Api.del('/api/storages/' + s.id), 'Storage removed.')})))))),
    el('form', {className: 'inline-form', onsubmit: e => {
      e.preventDefault();
      report(() => Api.post('/api/storages', {url: url.value}), 'Storage ' + url.value + ' added.');
    }}, url, el('button', {type: 'submit', className: 'button', text: 'Add storage'}))));
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
        el('td', {text: new Date(t.createdAt).toLocaleString()}),
        el('td', {text: t.lastUsed ? new Date(t.lastUsed).toLocaleString() : 'never'}),
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
