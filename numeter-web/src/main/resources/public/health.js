// The health of a host's munin and exec plugins, read from its poller's own plugin numeter_plugins, whose
// description names each failing plugin with why (health.<plugin>): shown at the top of the host's page.
'use strict';

const PluginHealth = {
  // A section, filled once the plugin is read; empty when the host has no numeter_plugins or none fails.
  section(hostId) {
    const box = el('section', {className: 'plugin-health', 'data-testid': 'plugin-health'});
    Api.get('/api/hosts/' + encodeURIComponent(hostId) + '/plugins/numeter_plugins').then(plugin => {
      const extra = (plugin && plugin.meta && plugin.meta.extra) || {};
      const failing = Object.keys(extra).filter(k => k.startsWith('health.')).sort();
      if (!failing.length) return;
      box.appendChild(el('p', {className: 'notice'},
        el('strong', {text: failing.length + (failing.length === 1 ? ' plugin' : ' plugins') + ' failing'}),
        el('ul', {}, failing.map(k => el('li', {'data-testid': 'plugin-health-' + k.substring('health.'.length)},
          el('code', {text: k.substring('health.'.length)}), ' ' + extra[k])))));
    }).catch(() => { /* a host without munin or exec plugins has no numeter_plugins */ });
    return box;
  },
};
