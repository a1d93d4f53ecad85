'use strict';

// A one-time password (the first admin's) must be changed before anything else works: the API answers 403 until
// then, so the login page asks for the new one at once, with the password just typed as the current one. The form
// is made only then, so that the login form is the page's only one with password fields before.

// The form posts to /login by itself when this script does not run (the page then says how it went); the script
// posts JSON instead. Either way the password is in a request body, never in the address.
if (new URLSearchParams(location.search).has('change')) {
  document.getElementById('login-notice').hidden = false;
}

document.getElementById('login').addEventListener('submit', async event => {
  event.preventDefault();
  const error = document.getElementById('login-error');
  error.textContent = '';
  try {
    const password = document.getElementById('password').value;
    const answer = await Api.post('/api/login', {
      username: document.getElementById('username').value,
      password,
    });
    if (answer.mustChangePassword) {
      Api.csrf = answer.csrf;
      const login = document.getElementById('login');
      login.replaceWith(changeForm(password));
      return;
    }
    window.location.assign('/');
  } catch (e) {
    error.textContent = e.message;
  }
});

function changeForm(oneTime) {
  const next = el('input', {id: 'new-password', type: 'password', autocomplete: 'new-password', required: true,
    minlength: 8, maxlength: 200});
  const again = el('input', {id: 'new-password-again', type: 'password', autocomplete: 'new-password',
    required: true, minlength: 8, maxlength: 200});
  const error = el('p', {id: 'change-error', className: 'error', role: 'alert'});
  const form = el('form', {id: 'change', className: 'login-box', autocomplete: 'off', onsubmit: async event => {
    event.preventDefault();
    error.textContent = '';
    if (next.value !== again.value) {
      error.textContent = 'the two passwords differ';
      return;
    }
    try {
      await Api.put('/api/session/password', {current: oneTime, password: next.value});
      window.location.assign('/');
    } catch (e) {
      error.textContent = e.message;
    }
  }},
  el('h1', {text: 'Choose your password'}),
  el('p', {className: 'muted', text: 'You logged in with a one-time password. Choose your own (8 characters or'
    + ' more) before anything else.'}),
  el('label', {}, 'New password', next),
  el('label', {}, 'Repeat it', again),
  el('button', {id: 'change-button', type: 'submit', text: 'Change password'}),
  error);
  setTimeout(() => next.focus(), 0);
  return form;
}
