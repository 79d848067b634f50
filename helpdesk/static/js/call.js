// "I read this out on a call": logged without leaving the page, the button then says "Logged (3 calls)".
// Optional: without this file the form posts as usual and the page comes back with "Call logged.".
(function () {
  "use strict";

  var postForJson = window.helpdesk.postForJson;

  if (!window.fetch || !window.FormData || window.helpdeskCallLog) return;
  window.helpdeskCallLog = true; // the script may be included once per button

  document.addEventListener("submit", function (event) {
    var form = event.target.closest && event.target.closest("form[data-call-form]");
    if (!form) return;
    event.preventDefault();
    if (form.dataset.busy) return;
    form.dataset.busy = "1";
    var button = form.querySelector("[data-call-button]");
    var box = form.closest("[data-call-log]");
    var count = box && box.querySelector("[data-call-count]");
    var label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    button.disabled = true;
    postForJson(form)
      .then(function (result) {
        if (result.ok) {
          button.textContent = result.body.message;
          if (count) count.textContent = "";
        } else if (count) {
          count.textContent = result.body.error || "";
        }
      })
      .catch(function () { HTMLFormElement.prototype.submit.call(form); })
      .finally(function () {
        // Another call may come in later: the button works again after a moment (no double clicks).
        window.setTimeout(function () {
          button.disabled = false;
          delete form.dataset.busy;
        }, 2000);
      });
  });
})();
