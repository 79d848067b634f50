// Forum: votes are sent without reloading the page. Optional: without this file the vote forms post as usual.
(function () {
  "use strict";

  var postForJson = window.helpdesk.postForJson;
  var postNormally = window.helpdesk.postNormally;

  if (!window.fetch || !window.FormData) return;

  document.querySelectorAll("form[data-vote-form]").forEach(function (form) {
    var busy = false;
    var message = form.querySelector("[data-vote-message]");
    var score = form.querySelector("[data-score]");

    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (!button || button.name !== "value") return;
      event.preventDefault();
      if (busy) return;
      busy = true;
      var data = new FormData(form);
      data.set(button.name, button.value);
      postForJson(form, data)
        .then(function (result) {
          if (result.ok) {
            score.textContent = result.body.score;
            form.querySelectorAll("button[name=value]").forEach(function (other) {
              other.setAttribute("aria-pressed", other.value === result.body.vote ? "true" : "false");
            });
            if (message) message.textContent = "";
          } else if (message) {
            message.textContent = result.body.error || "";
          }
        })
        .catch(function () { postNormally(form, button); })
        .finally(function () { busy = false; });
    });
  });
})();
