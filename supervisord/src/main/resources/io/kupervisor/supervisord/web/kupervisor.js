// kupervisor's web page: live status (server-sent events from the daemon's state changes),
// actions as POSTs with the page's token, folding groups, a live tail. No build step, no library.
(function () {
  'use strict';

  var tokenMeta = document.querySelector('meta[name="kupervisor-token"]');
  var token = tokenMeta ? tokenMeta.content : '';

  function setLive(on, text) {
    var el = document.getElementById('live');
    if (!el) return;
    el.classList.toggle('on', on);
    el.classList.toggle('off', !on);
    el.textContent = text;
  }

  // An EventSource that is closed while the tab is hidden (browsers allow few connections per
  // server) and opened again, fresh, when it is shown; reopened after the daemon went away.
  function liveStream(url, handlers) {
    var es = null;
    var retryTimer = null;
    function open() {
      if (es || document.hidden) return;
      es = new EventSource(url);
      es.onopen = function () { setLive(true, 'live'); };
      es.onerror = function () {
        setLive(false, 'reconnecting');
        if (es && es.readyState === EventSource.CLOSED) {
          es = null;
          clearTimeout(retryTimer);
          retryTimer = setTimeout(open, 5000);
        }
      };
      Object.keys(handlers).forEach(function (type) {
        es.addEventListener(type, function (ev) {
          handlers[type](ev, function stop() {
            if (es) es.close();
            es = null;
          });
        });
      });
    }
    function close() {
      if (es) es.close();
      es = null;
      setLive(false, 'paused');
    }
    document.addEventListener('visibilitychange', function () {
      if (document.hidden) close(); else open();
    });
    open();
  }

  // ---- the status page ----

  function showMessage(text) {
    var el = document.getElementById('statusmessage');
    if (!el) return;
    el.textContent = text;
    el.classList.remove('hidden');
  }

  // Python's str(timedelta(seconds=n)), as supervisord's uptime
  function uptime(s) {
    s = Math.max(0, Math.floor(s));
    var days = Math.floor(s / 86400), rest = s % 86400;
    var h = Math.floor(rest / 3600), m = Math.floor((rest % 3600) / 60), sec = rest % 60;
    var hms = h + ':' + (m < 10 ? '0' : '') + m + ':' + (sec < 10 ? '0' : '') + sec;
    return days === 0 ? hms : days + (days === 1 ? ' day, ' : ' days, ') + hms;
  }

  function initStatus(tbody) {
    var skew = 0; // the daemon's clock minus ours, in ms
    var folded = {};
    try { folded = JSON.parse(localStorage.getItem('kupervisor.folded') || '{}') || {}; } catch (e) { folded = {}; }

    function setNow(ms) { if (ms) skew = Number(ms) - Date.now(); }

    function applyFolds() {
      tbody.querySelectorAll('tr.grouprow').forEach(function (row) {
        var g = row.dataset.group, isFolded = !!folded[g];
        var button = row.querySelector('button.fold');
        if (button) button.setAttribute('aria-expanded', String(!isFolded));
        tbody.querySelectorAll('tr.member').forEach(function (tr) {
          if (tr.dataset.group === g) tr.classList.toggle('hidden', isFolded);
        });
      });
    }

    function tick() {
      var now = (Date.now() + skew) / 1000;
      tbody.querySelectorAll('td.desc[data-start]').forEach(function (td) {
        td.textContent = 'pid ' + td.dataset.pid + ', uptime ' + uptime(Math.floor(now) - Number(td.dataset.start));
      });
    }

    function render(data) {
      var before = {};
      tbody.querySelectorAll('tr.proc').forEach(function (tr) { before[tr.dataset.name] = tr.dataset.state; });
      tbody.innerHTML = data.tbody; // HTML the daemon rendered and escaped, as the page's own rows
      setNow(data.now);
      tbody.querySelectorAll('tr.proc').forEach(function (tr) {
        var old = before[tr.dataset.name];
        if (old !== undefined && old !== tr.dataset.state) tr.classList.add('changed');
      });
      applyFolds();
      var empty = document.getElementById('noprograms');
      if (empty) empty.classList.toggle('hidden', tbody.querySelector('tr.proc') !== null);
      var state = document.getElementById('daemonstate');
      if (state && data.state) state.textContent = data.state;
    }

    tbody.addEventListener('click', function (ev) {
      var button = ev.target.closest('button.fold');
      if (!button) return;
      var g = button.dataset.group;
      if (folded[g]) delete folded[g]; else folded[g] = true;
      try { localStorage.setItem('kupervisor.folded', JSON.stringify(folded)); } catch (e) { /* private mode */ }
      applyFolds();
    });

    // actions: the form's fields and the token, POSTed; the answer is the message, the rows
    // change through the event stream
    document.addEventListener('submit', function (ev) {
      var form = ev.target;
      if (!form.classList || !form.classList.contains('actions')) return;
      var button = ev.submitter;
      if (!button || !button.value) return;
      ev.preventDefault();
      var body = new URLSearchParams();
      body.set('action', button.value);
      var name = form.querySelector('input[name="processname"]');
      if (name) body.set('processname', name.value);
      body.set('token', token);
      button.disabled = true;
      form.classList.add('busy');
      // the page may have been opened as http://user:password@host/, which fetch refuses: the
      // browser sends the credentials it holds for the server anyway
      var target = new URL(form.getAttribute('action'), location.href);
      target.username = '';
      target.password = '';
      fetch(target.href, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Accept': 'application/json', 'X-Kupervisor-Token': token },
        body: body
      }).then(function (r) {
        return r.json().catch(function () { return { message: 'ERROR: HTTP ' + r.status }; });
      }).then(function (answer) {
        showMessage(answer.message);
      }).catch(function (e) {
        showMessage('ERROR: ' + e.message);
      }).finally(function () {
        button.disabled = false;
        form.classList.remove('busy');
      });
    });

    setNow(tbody.dataset.now);
    applyFolds();
    setInterval(tick, 1000);
    liveStream('events', {
      status: function (ev) {
        render(JSON.parse(ev.data));
        setLive(true, 'live');
      }
    });
  }

  // ---- the tail page ----

  var TAIL_CHARS = 1000000; // what the page keeps of a log (the oldest text goes first)

  function initTail(pre) {
    var follow = document.getElementById('follow');
    var kept = pre.textContent.length;
    function atEnd() {
      if (follow && follow.checked) window.scrollTo(0, document.body.scrollHeight);
    }
    function append(text) {
      pre.appendChild(document.createTextNode(text));
      kept += text.length;
      if (kept > TAIL_CHARS) {
        var all = pre.textContent;
        pre.textContent = all.slice(all.length - TAIL_CHARS / 2);
        kept = pre.textContent.length;
      }
      atEnd();
    }
    var url = 'events/tail?processname=' + encodeURIComponent(pre.dataset.processname) +
      '&limit=' + encodeURIComponent(pre.dataset.limit) + '&channel=' + encodeURIComponent(pre.dataset.channel);
    liveStream(url, {
      reset: function () { pre.textContent = ''; kept = 0; },
      message: function (ev) { append(JSON.parse(ev.data)); },
      truncated: function (ev) { append(JSON.parse(ev.data)); },
      fault: function (ev, stop) {
        pre.textContent = JSON.parse(ev.data);
        stop();
        setLive(false, 'not live');
      }
    });
    if (follow) follow.addEventListener('change', atEnd);
    atEnd();
  }

  var tbody = document.querySelector('#statustable tbody');
  if (tbody) initStatus(tbody);
  var pre = document.getElementById('tailbody');
  if (pre && pre.dataset.processname) initTail(pre);
})();
