// The submission page (submissions/page.html): drives one attempt at a time; the
// server decides when one is due and how many. A static file, not an inline script:
// the Content-Security-Policy allows scripts from this site only.
(function () {
  var box = document.getElementById("submission");
  if (!box) { return; }
  var stateEl = document.getElementById("submission-state");
  var messageEl = document.getElementById("submission-message");
  var attemptsEl = document.getElementById("submission-attempts");
  function show(p) {
    box.dataset.state = p.state;
    stateEl.textContent = p.state_label;
    stateEl.className = "state " + p.state;
    attemptsEl.textContent = p.tries;
    if (p.message) { messageEl.textContent = p.message; }
  }
  function step() {
    fetch(box.dataset.attemptUrl, {
      method: "POST", credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRFToken": box.dataset.csrf}
    }).then(function (r) { return r.json(); }).then(function (p) {
      show(p);
      if (p.state === "accepted" && p.redirect_url) { window.location.assign(p.redirect_url); return; }
      if (p.state === "refused" || p.state === "failed") { window.location.reload(); return; }
      setTimeout(step, Math.max(250, p.retry_in * 1000));
    }).catch(function () { setTimeout(step, 2000); });
  }
  step();
})();
