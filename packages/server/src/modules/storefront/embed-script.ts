// The buy button (`PUBLIC_URL/embed.js`): on any site, `<button data-sx-product="prod_…">` opens
// that product's checkout form in an overlay: an iframe of `/embed/checkout` (the one route that
// may be framed), closed by Esc or ×, focus kept inside while open and given back after. Styles are
// set through the DOM (allowed under a strict CSP on the host page); no other request is made.
export const EMBED_SCRIPT = `(function () {
  'use strict';
  var script = document.currentScript;
  if (!script) return;
  var origin = new URL(script.src).origin;
  var PRODUCT = /^prod_[0-9A-Za-z]{1,40}$/;
  var open = null;
  function css(el, rules) { for (var k in rules) el.style.setProperty(k, rules[k]); return el; }
  function close() {
    if (!open) return;
    var opener = open.opener;
    open.overlay.remove();
    document.removeEventListener('keydown', open.onKey, true);
    document.removeEventListener('focusin', open.onFocus, true);
    open = null;
    if (opener && opener.focus) opener.focus();
  }
  function show(product, opener) {
    close();
    var overlay = css(document.createElement('div'), { position: 'fixed', inset: '0', 'z-index': '2147483647', background: 'rgba(15,17,21,.6)', display: 'flex', 'align-items': 'center', 'justify-content': 'center', padding: '1rem' });
    overlay.setAttribute('data-sx-overlay', '');
    var dialog = css(document.createElement('div'), { position: 'relative', width: 'min(100%, 34rem)', height: 'min(100%, 46rem)', background: '#fff', 'border-radius': '12px', overflow: 'hidden', 'box-shadow': '0 24px 64px rgba(0,0,0,.35)' });
    dialog.setAttribute('role', 'dialog');
    dialog.setAttribute('aria-modal', 'true');
    dialog.setAttribute('aria-label', 'Checkout');
    var x = css(document.createElement('button'), { position: 'absolute', top: '.5rem', right: '.5rem', width: '2.75rem', height: '2.75rem', border: '0', 'border-radius': '999px', background: '#eceef2', color: '#15171c', font: '600 1.4rem/1 system-ui, sans-serif', cursor: 'pointer' });
    x.type = 'button';
    x.textContent = '\\u00d7';
    x.setAttribute('aria-label', 'Close checkout');
    x.addEventListener('click', close);
    var frame = css(document.createElement('iframe'), { width: '100%', height: '100%', border: '0', display: 'block' });
    frame.title = 'Checkout';
    frame.src = origin + '/embed/checkout?product=' + encodeURIComponent(product);
    dialog.appendChild(frame);
    dialog.appendChild(x);
    overlay.appendChild(dialog);
    overlay.addEventListener('click', function (event) { if (event.target === overlay) close(); });
    var onKey = function (event) {
      if (event.key === 'Escape') { event.preventDefault(); close(); return; }
      if (event.key !== 'Tab') return;
      // Two stops: the form (inside the frame) and ×; Tab moves between them, never out.
      event.preventDefault();
      (document.activeElement === x ? frame : x).focus();
    };
    var onFocus = function (event) { if (open && !overlay.contains(event.target)) x.focus(); };
    document.addEventListener('keydown', onKey, true);
    document.addEventListener('focusin', onFocus, true);
    document.body.appendChild(overlay);
    open = { overlay: overlay, opener: opener, onKey: onKey, onFocus: onFocus };
    x.focus();
  }
  document.addEventListener('click', function (event) {
    var button = event.target && event.target.closest ? event.target.closest('[data-sx-product]') : null;
    if (!button) return;
    var product = button.getAttribute('data-sx-product') || '';
    if (!PRODUCT.test(product)) return;
    event.preventDefault();
    show(product, button);
  });
})();
`
