// Alerts in the pages: the top bar's Problems link with its count, the Problems page (grouped by host, newest
// first, acknowledge and silence), state changes as markers on a host's graphs, and contacts on the Account page.
// Every datum comes from /api/alerts (docs/api.md, "Alerts"), which applies the permissions.
'use strict';

const Alerts = {marks: [], badge: null, timer: null};

const DURATIONS = {'1 hour': 3600, '4 hours': 4 * 3600, '1 day': 86400, '1 week': 7 * 86400};

function whatOf(p) {
  if (!p.plugin) return 'host (no data)';
  return p.field ? p.plugin + '.' + p.field : p.plugin;
}

function stateBadge(state) {
  return el('span', {className: 'state state-' + state.toLowerCase(), text: state});
}

function durationSelect(testid) {
  return el('select', {'aria-label': 'for how long', 'data-testid': testid},
    Object.entries(DURATIONS).map(([label, s]) => el('option', {value: s, text: label})));
}

// The top bar's link, with the count of problems not acknowledged nor silenced; refreshed every 30 s.
Alerts.nav = function (nav) {
  Alerts.badge = el('span', {className: 'count', 'data-testid': 'problems-count', text: ''});
  nav.appendChild(el('a', {href: '/problems', 'data-testid': 'nav-problems'}, 'Problems ', Alerts.badge));
  Alerts.refreshBadge();
  clearInterval(Alerts.timer);
  Alerts.timer = setInterval(Alerts.refreshBadge, 30000);
};

Alerts.refreshBadge = async function () {
  try {
    const c = await Api.get('/api/alerts/summary');
    Alerts.badge.textContent = String(c.open);
    Alerts.badge.className = 'count' + (c.open === 0 ? ' none' : c.openCritical > 0 ? ' critical' : ' warning');
    Alerts.badge.title = c.total + ' problems: ' + c.critical + ' critical, ' + c.warning + ' warning, '
      + c.unknown + ' unknown; ' + c.acknowledged + ' acknowledged, ' + c.silenced + ' silenced';
  } catch (e) {
    Alerts.badge.textContent = '?';
    Alerts.badge.title = e.message;
  }
};

// ---- the Problems page

Alerts.page = async function () {
  const main = clear(document.getElementById('main'));
  const only = new URLSearchParams(location.search).get('host');
  main.appendChild(el('h1', {text: 'Problems' + (only ? ' of ' + only : '')}));
  const message = el('p', {className: 'message', role: 'status', 'data-testid': 'problems-message'});
  main.appendChild(message);
  const body = el('div', {'data-testid': 'problems'});
  main.appendChild(body);
  main.appendChild(Alerts.silenceSection(message));
  const load = async () => {
    const answer = await Api.get('/api/alerts');
    clear(body);
    const list = answer.problems.filter(p => !only || p.host === only);
    if (!list.length) {
      body.appendChild(el('p', {className: 'muted', 'data-testid': 'no-problems', text: 'No problem: every'
        + ' watched value is within its limits.'}));
    }
    // hosts ordered by their newest problem, each host's problems newest first
    const byHost = new Map();
    for (const p of list) {
      if (!byHost.has(p.host)) byHost.set(p.host, []);
      byHost.get(p.host).push(p);
    }
    const groups = [...byHost.entries()].map(([host, ps]) => [host, ps.sort((a, b) => b.since - a.since)]);
    groups.sort((a, b) => b[1][0].since - a[1][0].since);
    for (const [host, ps] of groups) {
      body.appendChild(el('section', {className: 'problems-host', 'data-testid': 'problems-host-' + host},
        el('h2', {}, el('a', {href: hostPath(host), text: host}), ' ',
          el('span', {className: 'muted', text: ps.length + (ps.length === 1 ? ' problem' : ' problems')})),
        el('table', {className: 'table'}, el('tbody', {}, ps.map(p => Alerts.row(p, message, load))))));
    }
    await Alerts.refreshBadge();
  };
  Alerts.reload = load;
  await load();
};

Alerts.row = function (p, message, reload) {
  const id = p.host + '/' + (p.plugin || '') + '/' + (p.field || '');
  const cell = el('td', {className: 'ack'});
  if (p.ack) {
    cell.appendChild(el('span', {className: 'acked', 'data-testid': 'acked-' + id, text: 'acknowledged by ' + p.ack.by
      + ' until ' + TimeZone.format(p.ack.until * 1000) + (p.ack.comment ? ': ' + p.ack.comment : '')}));
    cell.appendChild(el('button', {type: 'button', className: 'button small', text: 'Undo', onclick: async () => {
      await Api.del('/api/alerts/acks/' + p.ack.id);
      await reload();
    }}));
  } else if (p.silence) {
    cell.appendChild(el('span', {className: 'muted', text: 'silenced until '
      + TimeZone.format(p.silence.until * 1000)}));
  } else {
    const comment = el('input', {placeholder: 'comment', maxlength: 2000, 'data-testid': 'ack-comment-' + id});
    const duration = durationSelect('ack-for-' + id);
    cell.appendChild(el('form', {className: 'inline-form', onsubmit: async e => {
      e.preventDefault();
      try {
        await Api.post('/api/alerts/acks', {host: p.host, plugin: p.plugin, field: p.field, comment: comment.value,
          until: now() + Number(duration.value)});
        message.textContent = 'Acknowledged ' + p.host + ' ' + whatOf(p) + '.';
        await reload();
      } catch (err) { message.textContent = err.message; }
    }}, comment, duration, el('button', {type: 'submit', className: 'button small', text: 'Acknowledge',
      'data-testid': 'ack-' + id})));
  }
  return el('tr', {className: 'problem', 'data-testid': 'problem-' + id, 'data-state': p.state},
    el('td', {}, stateBadge(p.state)),
    el('td', {}, el('a', {href: p.link, text: whatOf(p)})),
    el('td', {className: 'muted', text: 'since ' + TimeZone.format(p.since * 1000)}),
    el('td', {text: p.reason}),
    cell);
};

Alerts.silenceSection = function (message) {
  const hosts = el('input', {placeholder: 'hosts, e.g. web*', value: '*', maxlength: 200, 'data-testid': 'silence-hosts'});
  const plugins = el('input', {placeholder: 'plugins, e.g. df*', value: '*', maxlength: 200,
    'data-testid': 'silence-plugins'});
  const comment = el('input', {placeholder: 'why', maxlength: 2000});
  const duration = durationSelect('silence-for');
  const list = el('ul', {className: 'plain', 'data-testid': 'silences'});
  const load = async () => {
    clear(list);
    for (const s of await Api.get('/api/alerts/silences')) {
      list.appendChild(el('li', {}, 'hosts ' + s.hosts + ', plugins ' + s.plugins + ' until '
        + TimeZone.format(s.until * 1000) + (s.comment ? ' (' + s.comment + ')' : '') + ' ',
        el('button', {type: 'button', className: 'button small', text: 'End', onclick: async () => {
          await Api.del('/api/alerts/silences/' + s.id);
          await load();
          if (Alerts.reload) await Alerts.reload();
        }})));
    }
  };
  load().catch(e => { message.textContent = e.message; });
  return el('section', {className: 'admin'}, el('h2', {text: 'Silences'}),
    el('p', {className: 'muted', text: 'A silence stops the notifications of the hosts and plugins it matches, among'
      + ' those you may see, until it ends.'}), list,
    el('form', {className: 'inline-form', onsubmit: async e => {
      e.preventDefault();
      try {
        await Api.post('/api/alerts/silences', {hosts: hosts.value, plugins: plugins.value, comment: comment.value,
          until: now() + Number(duration.value)});
        await load();
        if (Alerts.reload) await Alerts.reload();
      } catch (err) { message.textContent = err.message; }
    }}, hosts, plugins, comment, duration, el('button', {type: 'submit', className: 'button', text: 'Silence'})));
};

// ---- markers on a host's graphs

Alerts.loadMarks = async function (host, range) {
  try {
    const changes = await Api.get('/api/alerts/history?host=' + encodeURIComponent(host) + '&from=' + range.from
      + '&to=' + range.to);
    Alerts.marks = changes.map(c => ({at: c.at, plugin: c.plugin, kind: 'alert', state: c.to,
      title: c.to + ' ' + whatOf(c) + ': ' + c.reason}));
  } catch (e) {
    Alerts.marks = [];
  }
};

// A plugin's graph shows its own changes and the host's silences.
Alerts.marksOf = function (plugin) {
  return Alerts.marks.filter(m => !m.plugin || m.plugin === plugin);
};

// ---- contacts, on the Account page

Alerts.contactsSection = function () {
  const message = el('p', {className: 'message', role: 'status'});
  const list = el('tbody');
  const name = el('input', {placeholder: 'name', maxlength: 100, 'data-testid': 'contact-name'});
  const superuser = App.session.user.superuser;
  // a command runs on the web's machine, and a group's contact speaks for the group: superusers only
  const channel = el('select', {'data-testid': 'contact-channel'}, (superuser ? ['email', 'webhook', 'command']
    : ['email', 'webhook']).map(c => el('option', {value: c, text: c})));
  const owner = el('select', {'data-testid': 'contact-owner', 'aria-label': 'whose contact'},
    el('option', {value: '', text: 'mine'}));
  if (superuser) {
    Api.get('/api/groups').then(groups => groups.forEach(g =>
      owner.appendChild(el('option', {value: g.id, text: 'group ' + g.name}))));
  }
  const target = el('input', {placeholder: 'address or URL', maxlength: 2000, size: 36, 'data-testid': 'contact-target'});
  const secret = el('input', {placeholder: 'webhook secret (optional)', maxlength: 200});
  const states = ['CRITICAL', 'WARNING', 'UNKNOWN', 'OK'].map(s => el('label', {},
    el('input', {type: 'checkbox', value: s, checked: true}), s.toLowerCase()));
  const load = async () => {
    clear(list);
    for (const c of await Api.get('/api/alerts/contacts')) {
      list.appendChild(el('tr', {}, el('td', {text: c.name}), el('td', {text: c.channel}), el('td', {text: c.target}),
        el('td', {text: c.states.join(', ')}), el('td', {text: c.groupId ? 'group ' + c.groupId : 'mine'}),
        el('td', {}, el('button', {type: 'button', className: 'button small danger', text: 'Delete', onclick: async () => {
          await Api.del('/api/alerts/contacts/' + c.id);
          await load();
        }}))));
    }
  };
  load().catch(e => { message.textContent = e.message; });
  return el('section', {className: 'admin'}, el('h2', {text: 'Alert contacts'}),
    el('p', {className: 'muted', text: 'Where you are told of the problems of the hosts you may see.'}), message,
    el('table', {className: 'table'}, el('thead', {}, el('tr', {},
      ['Name', 'Channel', 'To', 'States', 'Owner', ''].map(t => el('th', {text: t})))), list),
    el('form', {className: 'inline-form', onsubmit: async e => {
      e.preventDefault();
      try {
        await Api.post('/api/alerts/contacts', {name: name.value, channel: channel.value, target: target.value,
          secret: secret.value, states: states.map(l => l.firstChild).filter(c => c.checked).map(c => c.value),
          groupId: owner.value ? Number(owner.value) : null});
        name.value = target.value = secret.value = '';
        message.textContent = 'Contact added.';
        await load();
      } catch (err) { message.textContent = err.message; }
    }}, name, channel, target, secret, states, superuser ? owner : null,
    el('button', {type: 'submit', className: 'button', text: 'Add contact'})));
};

// ---- on the Admin page: rules and the notification queue

Alerts.adminSection = async function (report) {
  const [rules, outbox] = await Promise.all([Api.get('/api/alerts/rules'), Api.get('/api/alerts/outbox')]);
  const input = (placeholder, testid, value) => el('input', {placeholder, maxlength: 200, 'data-testid': testid,
    value: value || ''});
  const hosts = input('hosts, e.g. web*', 'rule-hosts', '*');
  const plugins = input('plugins, e.g. load', 'rule-plugins', '*');
  const fields = input('fields', 'rule-fields', '*');
  const warning = input('warning, e.g. 5 or 10:90, none', 'rule-warning');
  const critical = input('critical', 'rule-critical');
  const forPoints = el('input', {type: 'number', min: 1, max: 1000, placeholder: 'for N points'});
  const hysteresis = input('hysteresis, e.g. 2 or 5%', 'rule-hysteresis');
  const q = outbox.queue || {};
  return el('section', {className: 'admin'}, el('h2', {text: 'Alert rules'}),
    el('p', {className: 'muted', text: 'Over the plugins\' own warning and critical and views\' lines, in this order;'
      + ' each sets only what it says ("none" removes a limit).'}),
    el('table', {className: 'table'}, el('thead', {}, el('tr', {},
      ['Hosts', 'Plugins', 'Fields', 'Warning', 'Critical', 'For', 'Hysteresis', ''].map(t => el('th', {text: t})))),
    el('tbody', {}, rules.rules.map(r => el('tr', {}, [r.rule.hosts, r.rule.plugins, r.rule.fields, r.rule.warning,
      r.rule.critical, r.rule.forPoints, r.rule.hysteresis].map(v => el('td', {text: v === null ? '' : String(v)})),
    el('td', {}, el('button', {type: 'button', className: 'button small danger', text: 'Delete',
      onclick: () => report(() => Api.del('/api/alerts/rules/' + r.id), 'Rule deleted.')})))))),
    el('form', {className: 'inline-form', onsubmit: e => {
      e.preventDefault();
      report(() => Api.post('/api/alerts/rules', {hosts: hosts.value, plugins: plugins.value, fields: fields.value,
        warning: warning.value || null, critical: critical.value || null,
        forPoints: forPoints.value ? Number(forPoints.value) : null, hysteresis: hysteresis.value || null}),
      'Rule added; the storages apply it now.');
    }}, hosts, plugins, fields, warning, critical, forPoints, hysteresis,
    el('button', {type: 'submit', className: 'button', text: 'Add rule'})),
    el('h2', {text: 'Notifications'}),
    el('p', {'data-testid': 'outbox-figures', text: 'sent ' + outbox.sent + ', failed attempts ' + outbox.failedAttempts
      + ', given up ' + outbox.gaveUp + ', held by rate limits ' + outbox.held + ', dropped (acknowledged, silenced) '
      + outbox.dropped + '; waiting ' + (q.pending || 0) + ', being sent ' + (q.sending || 0)
      + (outbox.unreachableContacts ? '; ' + outbox.unreachableContacts + ' contact(s) cannot be reached now' : '')}),
    el('table', {className: 'table'}, el('thead', {}, el('tr', {},
      ['#', 'Contact', 'Host', 'Changes', 'Status', 'Attempts', 'Error'].map(t => el('th', {text: t})))),
    el('tbody', {}, outbox.recent.map(n => el('tr', {}, [n.id, n.contactId, n.host || 'summary', n.changes.length,
      n.status.toLowerCase(), n.attempts, n.error || ''].map(v => el('td', {text: String(v)})))))));
};
