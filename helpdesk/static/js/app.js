// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // Shared with the page scripts (forum.js, ask.js, rating.js, call.js), which load after this file.
  window.helpdesk = {
    // The token fetch() sends as X-CSRFToken (every page carries it in <meta name="csrf-token">).
    csrfToken: function () {
      var meta = document.querySelector("meta[name=csrf-token]");
      return (meta && meta.content) || "";
    },
    // Post a form's data as fetch(), asking for JSON: resolves to {ok, body} (body: the parsed answer).
    postForJson: function (form, data) {
      return fetch(form.action, {
        method: "POST",
        body: data || new FormData(form),
        credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": window.helpdesk.csrfToken() }
      }).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      });
    },
    // The plain form post, carrying the pressed button's value (form.submit() alone would drop it).
    postNormally: function (form, button) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = button.name;
      input.value = button.value;
      form.appendChild(input);
      HTMLFormElement.prototype.submit.call(form);
    }
  };

  // The language switch submits as soon as a language is picked (its button stays for no-JS use).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    var button = select.form && select.form.querySelector("button[type=submit]");
    if (button) button.hidden = true;
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Links to wiki pages that do not exist yet say so, in the reader's language (stored HTML has no words of ours).
  var missingTitle = document.body.getAttribute("data-missing-page-title");
  if (missingTitle) {
    document.querySelectorAll("a.wikilink.missing").forEach(function (link) { link.title = missingTitle; });
  }

  // Forms that do something hard to undo ask first: <form data-confirm="Are you sure?">.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
})();
