// The order page's only script: a static string, so no request data can ever reach it. It reads what it
// needs from data-* attributes on <main id="order">, which is swapped whole when the order changes.
// Without it the page still works: <noscript> refreshes it and the copy buttons stay hidden.
export const ORDER_PAGE_SCRIPT = `
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  var POLL_MS = 2000, MAX_BACKOFF_MS = 30000;
  var clockOffset = 0, delay = POLL_MS, timer = null, pausedWhileHidden = false;

  function order() { return document.getElementById('order'); }
  function isFinal() { var m = order(); return !m || m.getAttribute('data-final') === 'true'; }

  // The server's clock decides when a checkout expires, so count down against it, not the device's.
  function syncClock() {
    var now = Date.parse(order().getAttribute('data-now') || '');
    if (!isNaN(now)) clockOffset = now - Date.now();
  }
  function pad(n) { return n < 10 ? '0' + n : String(n); }
  function formatCountdown(s) {
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = pad(s % 60);
    return h > 0 ? h + ':' + pad(m) + ':' + r : m + ':' + r;
  }
  function tick() {
    var el = document.querySelector('#order .countdown');
    if (!el) return;
    var end = Date.parse(el.getAttribute('data-expires-at') || '');
    if (isNaN(end)) return;
    var left = Math.max(0, Math.floor((end - (Date.now() + clockOffset)) / 1000));
    el.querySelector('.countdown-label').textContent = left > 0 ? 'Expires in' : 'Expired';
    el.querySelector('.countdown-time').textContent = left > 0 ? formatCountdown(left) : '';
    el.classList.toggle('countdown-urgent', left < 300);
  }

  function announce(text) {
    var el = document.getElementById('announcer');
    el.textContent = '';
    setTimeout(function () { el.textContent = text; }, 50);
  }
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.style.position = 'fixed';
      area.style.opacity = '0';
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error('copy failed')); }
    });
  }
  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('button[data-copy]');
    if (!button) return;
    if (!button.hasAttribute('data-label')) button.setAttribute('data-label', button.innerHTML);
    copyText(button.getAttribute('data-copy')).then(function () {
      button.textContent = 'Copied';
      button.classList.add('is-copied');
      announce('Copied to clipboard');
    }, function () {
      button.textContent = 'Copy failed';
      announce('Could not copy. Select the text and copy it by hand.');
    });
    clearTimeout(button.resetTimer);
    button.resetTimer = setTimeout(function () {
      button.innerHTML = button.getAttribute('data-label');
      button.classList.remove('is-copied');
    }, 2000);
  });

  // Swap in the freshly rendered order. The live status region is given the old text first and the new
  // text a moment later, so screen readers hear the change instead of a brand-new silent region.
  function swapOrder(next) {
    var current = order();
    var fresh = document.importNode(next, true);
    var oldStatus = current.querySelector('.status');
    var newStatus = fresh.querySelector('.status');
    var newStatusHtml = newStatus ? newStatus.innerHTML : '';
    if (oldStatus && newStatus) newStatus.innerHTML = oldStatus.innerHTML;
    var hadFocus = current.contains(document.activeElement);
    current.replaceWith(fresh);
    if (newStatus) setTimeout(function () { newStatus.innerHTML = newStatusHtml; }, 100);
    if (hadFocus && newStatus) { newStatus.setAttribute('tabindex', '-1'); newStatus.focus({ preventScroll: true }); }
    syncClock();
    tick();
  }
  function reloadOrder() {
    return fetch(location.href, { cache: 'no-store', headers: { accept: 'text/html' } })
      .then(function (res) { if (!res.ok) throw new Error('HTTP ' + res.status); return res.text(); })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, 'text/html').getElementById('order');
        if (!next) throw new Error('order missing from page');
        swapOrder(next);
      });
  }
  function schedule() { clearTimeout(timer); if (!isFinal()) timer = setTimeout(poll, delay); }
  function poll() {
    if (isFinal()) return;
    if (document.hidden) { pausedWhileHidden = true; return; }
    var current = order();
    fetch(current.getAttribute('data-status-url'), { cache: 'no-store', headers: { accept: 'application/json' } })
      .then(function (res) { if (!res.ok) throw new Error('HTTP ' + res.status); return res.json(); })
      .then(function (body) {
        if (body && body.version !== current.getAttribute('data-version')) return reloadOrder();
      })
      .then(function () { delay = POLL_MS; }, function () { delay = Math.min(delay * 2, MAX_BACKOFF_MS); })
      .then(schedule);
  }
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden && pausedWhileHidden) { pausedWhileHidden = false; delay = POLL_MS; poll(); }
  });

  syncClock();
  tick();
  setInterval(tick, 1000);
  schedule();
})();
`
