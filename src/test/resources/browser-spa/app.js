// The SPA side of the sign-in flow, as the product's SPA does it: a top-level navigation to the API's sign-in
// start; on return, a credentialed cross-origin refresh (HttpOnly cookie + CSRF header) for an access token,
// then /api/auth/me with that bearer token; sign-out; and a refresh after sign-out, which must be refused.
(function () {
  'use strict';
  var cfg = window.PP_CONFIG;
  var accessToken = null;

  function el(id) { return document.getElementById(id); }

  function show(id, outcome, status) {
    var node = el(id);
    node.textContent = outcome + (status ? ' (' + status + ')' : '');
    node.setAttribute('data-outcome', outcome);
    node.setAttribute('data-status', status ? String(status) : '');
  }

  function csrfHeaders(extra) {
    var headers = {};
    headers[cfg.csrfHeader] = cfg.csrfValue;
    Object.keys(extra || {}).forEach(function (k) { headers[k] = extra[k]; });
    return headers;
  }

  // Resolves to {ok, status, body}; a CORS refusal or network failure gives status 0 and outcome 'blocked'.
  function call(method, path, headers) {
    return fetch(cfg.api + path, { method: method, credentials: 'include', headers: headers })
      .then(function (response) {
        return response.text().then(function (text) {
          var body = null;
          try { body = text ? JSON.parse(text) : null; } catch (e) { body = text; }
          return { ok: response.ok, status: response.status, body: body };
        });
      }, function (error) {
        return { ok: false, status: 0, body: String(error) };
      });
  }

  function refresh(targetId) {
    return call('POST', '/api/auth/refresh', csrfHeaders()).then(function (r) {
      var token = r.ok && r.body ? (r.body.access_token || r.body.accessToken) : null;
      if (token) {
        show(targetId, 'accepted', r.status);
        return token;
      }
      show(targetId, r.status === 0 ? 'blocked' : 'refused', r.status);
      return null;
    });
  }

  function signIn() {
    window.location.href = cfg.api + '/api/zoho/auth?return_to=' + encodeURIComponent('/');
  }

  function signOut() {
    el('sign-out').disabled = true;
    call('POST', '/api/auth/logout', csrfHeaders({ Authorization: 'Bearer ' + accessToken })).then(function (r) {
      show('logout-result', r.ok ? 'signed out' : (r.status === 0 ? 'blocked' : 'failed'), r.status);
      accessToken = null;
      el('user-name').textContent = '';
      el('user-email').textContent = '';
      el('greeting').textContent = 'Signed out.';
      return refresh('refresh-after-logout');
    }).then(function () {
      document.body.setAttribute('data-state', 'signed-out-after-logout');
    });
  }

  function start() {
    el('sign-in').addEventListener('click', signIn);
    el('sign-out').addEventListener('click', signOut);
    var reason = new URLSearchParams(window.location.search).get('reason');
    if (reason) { el('signin-error').textContent = reason; }

    refresh('refresh-result').then(function (token) {
      if (!token) {
        el('greeting').textContent = 'Not signed in.';
        document.body.setAttribute('data-state', 'signed-out');
        return;
      }
      accessToken = token;
      return call('GET', '/api/auth/me', { Authorization: 'Bearer ' + token }).then(function (r) {
        if (!r.ok || !r.body) {
          el('greeting').textContent = 'Could not read the profile (' + r.status + ').';
          document.body.setAttribute('data-state', 'me-failed');
          return;
        }
        var name = r.body.name || r.body.display_name || r.body.displayName || '';
        el('user-name').textContent = name;
        el('user-email').textContent = r.body.email || r.body.sub || '';
        el('greeting').textContent = 'Hello, ' + name + '.';
        el('sign-out').disabled = false;
        document.body.setAttribute('data-state', 'signed-in');
      });
    });
  }

  start();
})();
