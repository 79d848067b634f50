// Ask form: while a question is typed, threads and wiki pages that may already answer it appear beside the
// form, fetched from /api/v1/similar. Optional: without this file the form posts as usual, and the server
// shows suggestions when the form comes back.
// It also reports this visit's steps in the deflection funnel (suggestions shown, one opened, "This answered my
// question" pressed, left without posting) to the address in the form's data-ask-steps.
(function () {
  "use strict";

  var csrfToken = window.helpdesk.csrfToken;

  var region = document.querySelector("[data-similar]");
  var form = document.querySelector("form[data-ask-form]");
  if (!region || !form || !window.fetch || !window.DOMParser) return;
  var template = region.querySelector("template[data-similar-template]");
  if (!template || !template.content) return;

  var DELAY_MS = 300;
  var MIN_TITLE_CHARS = 4;
  var LIMIT = 5;
  var MAX_TITLE_CHARS = 300; // the API refuses longer titles
  var MAX_BODY_CHARS = 1500; // the start of the body says most; the API takes the key terms of it
  var MAX_URL_LENGTH = 3500; // web servers refuse request lines much over 4 KB
  // Common words not worth marking in a title (the server leaves them out of the search too).
  var COMMON = ("about after also been could does from have into just should than that their them then " +
    "there they this what when where which will with would your efter eller från inte till varför vill " +
    "kan har och som det jag när hur").split(" ");

  var title = form.elements.title;
  var body = form.elements.body;
  var space = form.elements.space;
  var hint = region.querySelector("[data-similar-hint]");
  var status = region.querySelector("[data-similar-status]");
  var list = region.querySelector("[data-similar-list]");
  var endpoint = region.getAttribute("data-endpoint");
  var openEndpoint = region.getAttribute("data-open-endpoint");
  var stepsEndpoint = form.getAttribute("data-ask-steps"); // absent when the visit is not kept
  var shownReported = false;
  var submitted = false;
  var timer = null;
  var lastUrl = null;
  var controller = null;
  var sequence = 0;

  function codePoints(text, count) {
    // Cut by characters, never inside a surrogate pair (encodeURIComponent throws on half of one).
    return Array.from(text).slice(0, count).join("");
  }

  function lookupUrl(titleText, bodyText) {
    var url = endpoint + "?limit=" + LIMIT + "&title=" + encodeURIComponent(codePoints(titleText, MAX_TITLE_CHARS));
    // The space the question is written into: lookups for a restricted space's question are not logged.
    if (space && space.value) url += "&space=" + encodeURIComponent(space.value);
    var chars = MAX_BODY_CHARS;
    while (bodyText && chars > 0) {
      var encoded = encodeURIComponent(codePoints(bodyText, chars));
      if (url.length + encoded.length + 6 <= MAX_URL_LENGTH) return url + "&body=" + encoded;
      chars = Math.floor(chars * 0.7);
    }
    return url;
  }

  function words(text) {
    return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(function (word) { return word; });
  }

  function worthMarking(word) {
    return word.length >= 3 && COMMON.indexOf(word) < 0;
  }

  function sameWord(a, b) {
    if (a === b) return true;
    var shorter = Math.min(a.length, b.length);
    if (shorter < 4) return false;
    var common = 0;
    while (common < shorter && a[common] === b[common]) common++;
    return common >= Math.max(4, shorter - 2);
  }

  // The snippet is HTML made by the server: escaped text with <mark> around matched words. Only text and
  // <mark> are copied out of it, so nothing else could ever reach the page.
  function markedFragment(html, found) {
    var parsed = new DOMParser().parseFromString("<body>" + html + "</body>", "text/html");
    var out = document.createDocumentFragment();
    (function copy(from, to, inMark) {
      from.childNodes.forEach(function (node) {
        if (node.nodeType === Node.TEXT_NODE) {
          to.appendChild(document.createTextNode(node.nodeValue));
          if (inMark) found.push(node.nodeValue.toLowerCase());
        } else if (node.nodeType === Node.ELEMENT_NODE && node.tagName === "MARK") {
          var mark = document.createElement("mark");
          copy(node, mark, true);
          to.appendChild(mark);
        } else if (node.nodeType === Node.ELEMENT_NODE) {
          copy(node, to, inMark);
        }
      });
    })(parsed.body, out, false);
    return out;
  }

  // The title comes as plain text: mark its words that are like the snippet's marks or the words typed.
  function markedTitle(text, wanted, found) {
    var out = document.createDocumentFragment();
    text.split(/([^\p{L}\p{N}]+)/u).forEach(function (piece, index) {
      var low = piece.toLowerCase();
      var matches = index % 2 === 0 && piece && wanted.some(function (word) { return sameWord(low, word); });
      if (matches) {
        var mark = document.createElement("mark");
        mark.textContent = piece;
        out.appendChild(mark);
        found.push(low);
      } else if (piece) {
        out.appendChild(document.createTextNode(piece));
      }
    });
    return out;
  }

  // Opening a suggestion goes through the search log's click-through, which notes it and redirects to it.
  function openUrl(result, rank) {
    return openEndpoint + "?kind=similar&doc=" + encodeURIComponent(result.kind + ":" + result.id) +
      "&rank=" + rank + "&q=" + encodeURIComponent(codePoints(title.value.trim(), MAX_TITLE_CHARS));
  }

  function suggestion(result, typed, rank) {
    var item = template.content.querySelector("[data-similar-item]").cloneNode(true);
    var found = [];
    var snippet = markedFragment(result.snippet || "", found);
    var wanted = typed.filter(worthMarking).concat(found.map(words).reduce(function (a, b) { return a.concat(b); }, []));
    var link = item.querySelector("[data-similar-link]");
    var opened = openEndpoint ? openUrl(result, rank) : result.url;
    link.href = opened;
    if (result.lang) link.lang = result.lang;
    link.appendChild(markedTitle(result.title, wanted, found));
    item.querySelector("[data-similar-snippet]").appendChild(snippet);
    if (result.lang) item.querySelector("[data-similar-snippet]").lang = result.lang;
    item.querySelectorAll("[data-similar-kind]").forEach(function (badge) {
      badge.hidden = badge.getAttribute("data-similar-kind") !== result.kind;
    });
    item.querySelector("[data-similar-solved]").hidden = !(result.kind === "question" && result.solved);
    var matched = found.filter(function (word, index) { return found.indexOf(word) === index; });
    item.querySelector("[data-similar-why]").hidden = matched.length === 0;
    item.querySelector("[data-similar-words]").textContent = matched.join(", ");
    item.querySelector("form").action = result.url;
    item.querySelector("[data-deflect-answered]").setAttribute("data-doc-id", result.kind + ":" + result.id);
    return item;
  }

  // The deflection funnel ------------------------------------------------------------------------------

  // keepalive: a step sent as a link is followed still arrives after the page has gone.
  function report(step, doc) {
    if (!stepsEndpoint) return Promise.resolve();
    var data = { step: step, space: space ? space.value : "" };
    if (doc) data.doc = doc;
    return fetch(stepsEndpoint, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(data)
    }).catch(function () { /* offline: the funnel misses a step, nothing else does */ });
  }

  function reportShown() {
    if (shownReported) return;
    shownReported = true;
    report("shown");
  }

  function docOf(element) {
    var item = element.closest("[data-similar-item]");
    var button = item && item.querySelector("[data-deflect-answered]");
    return button ? button.getAttribute("data-doc-id") : "";
  }

  list.addEventListener("click", function (event) {
    var link = event.target.closest("[data-similar-link]");
    if (link) report("opened", docOf(link));
  });

  // "This answered my question": noted, then thanks in place of the button (without this script the button
  // opens the suggestion).
  list.addEventListener("submit", function (event) {
    var deflect = event.target.closest(".deflect-form");
    if (!deflect) return;
    event.preventDefault();
    var button = deflect.querySelector("[data-deflect-answered]");
    if (button.disabled) return;
    button.disabled = true;
    report("answered", docOf(deflect)).then(function () {
      var thanks = document.createElement("p");
      thanks.className = "deflect-thanks";
      thanks.setAttribute("role", "status");
      thanks.textContent = region.getAttribute("data-thanks");
      deflect.replaceWith(thanks);
    });
  });

  form.addEventListener("submit", function () { submitted = true; });

  // Leaving without posting. sendBeacon cannot set headers, so the CSRF token goes in the body.
  window.addEventListener("pagehide", function () {
    if (submitted || !stepsEndpoint || !navigator.sendBeacon) return;
    var data = new FormData();
    data.append("step", "left");
    data.append("csrf_token", csrfToken());
    if (space && space.value) data.append("space", space.value);
    navigator.sendBeacon(stepsEndpoint, data);
  });

  // -------------------------------------------------------------------------------------------------------

  function show(results, typed) {
    list.textContent = "";
    if (results.length) reportShown();
    results.forEach(function (result, index) { list.appendChild(suggestion(result, typed, index + 1)); });
    if (hint) hint.hidden = results.length > 0 || typed.length > 0;
    if (!typed.length) status.textContent = "";
    else if (results.length) status.textContent = region.getAttribute("data-found").replace("{n}", results.length);
    else status.textContent = region.getAttribute("data-none");
  }

  function lookup() {
    var titleText = title.value.trim();
    if (titleText.length < MIN_TITLE_CHARS) {
      if (controller) controller.abort();
      lastUrl = null;
      sequence++;
      if (titleText.length === 0) show([], []);
      return;
    }
    var url = lookupUrl(titleText, body ? body.value.trim() : "");
    if (url === lastUrl) return;
    lastUrl = url;
    if (controller) controller.abort();
    controller = window.AbortController ? new AbortController() : null;
    var mine = ++sequence;
    fetch(url, {
      credentials: "same-origin",
      headers: { "Accept": "application/json" },
      signal: controller ? controller.signal : undefined
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (mine !== sequence) return; // a newer lookup is on its way
        if (!data) { lastUrl = null; return; }
        show(data.results, words(titleText));
      })
      .catch(function () {
        // Aborted for a newer lookup, or offline: keep what is shown; the next keystroke tries again.
        if (mine === sequence) lastUrl = null;
      });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(lookup, DELAY_MS);
  }

  title.addEventListener("input", schedule);
  if (body) body.addEventListener("input", schedule);
  // A title already there (from ?title=, or kept after an error) gets its suggestions without typing; the
  // server may have shown some already, so they are only replaced once the text changes.
  if (title.value.trim() && !list.children.length) schedule();
  if (list.children.length) reportShown(); // shown by the server (the form came back)
})();
