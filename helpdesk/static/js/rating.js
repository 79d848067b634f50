// "Did this answer your question?": the answer is sent without reloading the page, and the widget is replaced
// by the one the server sends back. Optional: without this file the Yes/No form posts as usual.
(function () {
  "use strict";

  var postForJson = window.helpdesk.postForJson;
  var postNormally = window.helpdesk.postNormally;

  if (!window.fetch || !window.FormData) return;

  // Delegated, so the widget the server sends back works without binding again.
  document.addEventListener("submit", function (event) {
    var form = event.target.closest && event.target.closest("form[data-rating-form]");
    var button = event.submitter;
    if (!form || !button || button.name !== "helpful") return;
    event.preventDefault();
    if (form.dataset.busy) return;
    form.dataset.busy = "1";
    var box = form.closest("[data-rating]");
    var message = box && box.querySelector("[data-rating-message]");
    var data = new FormData(form);
    data.set(button.name, button.value);
    postForJson(form, data)
      .then(function (result) {
        if (result.ok && box && result.body.html) {
          // Parsed as an inert document (nothing in it runs), then moved into this one.
          var parsed = new DOMParser().parseFromString(result.body.html, "text/html");
          var fresh = parsed.querySelector("[data-rating]");
          if (fresh) {
            fresh = document.adoptNode(fresh);
            box.replaceWith(fresh);
            var said = fresh.querySelector("[data-rating-message]");
            if (said) said.textContent = result.body.message || "";
            var focusable = fresh.querySelector("summary, button");
            if (focusable) focusable.focus();
            return;
          }
        }
        if (message) message.textContent = (result.body && result.body.error) || "";
      })
      .catch(function () { postNormally(form, button); })
      .finally(function () { delete form.dataset.busy; });
  });
})();
