// The one escaping rule of the pages: text reaches the DOM only through text nodes, textContent and
// setAttribute, never innerHTML. dygraphs' ylabel option is the one place that takes HTML; it gets esc().
'use strict';

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = value;
    else if (key === 'className') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.substring(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.appendChild(typeof child === 'string' || typeof child === 'number'
      ? document.createTextNode(String(child)) : child);
  }
  return node;
}

function esc(text) {
  return String(text).replace(/[&<>"']/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]));
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

const Api = {
  csrf: null,
  async call(method, path, body) {
    const headers = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && Api.csrf) headers['X-CSRF-Token'] = Api.csrf;
    const response = await fetch(path, {method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body)});
    if (response.status === 401 && path !== '/api/login') {
      window.location.assign('/login');
      throw new Error('log in first');
    }
    if (response.status === 403 && response.headers.get('Numeter-Password-Change')) {
      window.location.assign('/login?change');
      throw new Error('change your one-time password first');
    }
    if (!response.ok) {
      const text = await response.text();
      const error = new Error(text || response.statusText);
      error.status = response.status;
      throw error;
    }
    if (response.status === 204) return null;
    const type = response.headers.get('Content-Type') || '';
    return type.includes('json') ? response.json() : response.blob();
  },
  get(path) { return Api.call('GET', path); },
  post(path, body) { return Api.call('POST', path, body === undefined ? {} : body); },
  put(path, body) { return Api.call('PUT', path, body); },
  del(path) { return Api.call('DELETE', path); },
};

// The colour theme: the system's (light or dark) unless the user picked one, kept in this browser. Set before the
// first paint of every page, the login page too.
const Theme = {
  choice() {
    const t = localStorage.getItem('numeter.theme');
    return t === 'dark' || t === 'light' ? t : 'system';
  },
  apply() {
    const t = Theme.choice();
    if (t === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = t;
  },
  // system, then dark, then light
  next() {
    const order = ['system', 'dark', 'light'];
    localStorage.setItem('numeter.theme', order[(order.indexOf(Theme.choice()) + 1) % order.length]);
    Theme.apply();
  },
  // whether the page is dark now, whichever way
  dark() {
    const t = Theme.choice();
    return t === 'dark' || (t === 'system' && window.matchMedia('(prefers-color-scheme: dark)').matches);
  },
  colour(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  },
};
Theme.apply();
