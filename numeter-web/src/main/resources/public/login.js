'use strict';

document.getElementById('login').addEventListener('submit', async event => {
  event.preventDefault();
  const error = document.getElementById('login-error');
  error.textContent = '';
  try {
    await Api.post('/api/login', {
      username: document.getElementById('username').value,
      password: document.getElementById('password').value,
    });
    window.location.assign('/');
  } catch (e) {
    error.textContent = e.message;
  }
});
