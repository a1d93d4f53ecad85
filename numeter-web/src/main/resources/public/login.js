'use strict';

// A one-time password (the first admin's) must be changed before anything else works: the API answers 403 until
// then, so the login page asks for the new one at once, with the password just typed as the current one.
let oneTime = null;

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
      oneTime = password;
      document.getElementById('login').hidden = true;
      document.getElementById('change').hidden = false;
      document.getElementById('new-password').focus();
      return;
    }
    window.location.assign('/');
  } catch (e) {
    error.textContent = e.message;
  }
});

document.getElementById('change').addEventListener('submit', async event => {
  event.preventDefault();
  const error = document.getElementById('change-error');
  error.textContent = '';
  const next = document.getElementById('new-password').value;
  if (next !== document.getElementById('new-password-again').value) {
    error.textContent = 'the two passwords differ';
    return;
  }
  try {
    await Api.put('/api/session/password', {current: oneTime, password: next});
    oneTime = null;
    window.location.assign('/');
  } catch (e) {
    error.textContent = e.message;
  }
});
