// Accessibility fix-ups for what the widget renderer draws (loaded on widget pages only, just
// before it). ipywidgets' slider handles and Play buttons have no accessible name, and a wide
// widget box scrolls without being focusable. Name them from what a sighted reader sees, and keep
// the names in step: the Play button turns into Pause while playing (its icon's class changes).
//
// Names are given synchronously, in the MutationObserver callback: it runs as a microtask right
// after the renderer's DOM change, before the browser handles the next key press, so no control
// can take focus unnamed however fast the reader tabs (e.g. onto the Play button of a view a
// preset switch has just shown). Only the scroll check, which reads layout, waits for a frame.
(function () {
  var ICONS = { "fa-play": "Play", "fa-pause": "Pause", "fa-stop": "Stop", "fa-retweet": "Repeat", "fa-repeat": "Repeat" };
  var NAMED = ".widget-slider, .widget-play";

  function buttonName(button) {
    var icon = button.querySelector("[class*='fa-']");
    for (var key in ICONS) if (icon && icon.classList.contains(key)) return ICONS[key];
    return "Animation control";
  }

  function setName(element, text) {
    if (element.getAttribute("aria-label") !== text) element.setAttribute("aria-label", text);
  }

  // Name every slider handle and Play/Pause/Stop/Repeat button in root (itself included), and drop the
  // "null" tooltips the renderer gives labels that have none.
  // The kernel note's links (to Binder, to the notebook) take their addresses from the page's own
  // launch and download buttons: without one, a link would be no link at all for the keyboard.
  var LAUNCH = { binder: "a[href*='mybinder.org']", download: "a[href$='.ipynb'][href*='_sources/']" };

  function nameControls(root) {
    root.querySelectorAll(".widget-label[title='null']").forEach(function (label) { label.removeAttribute("title"); });
    root.querySelectorAll("a[data-launch]:not([href])").forEach(function (link) {
      var source = document.querySelector(LAUNCH[link.dataset.launch]);
      if (source) link.setAttribute("href", source.getAttribute("href"));
    });
    var found = root.matches(NAMED) ? [root] : [];
    root.querySelectorAll(NAMED).forEach(function (element) { found.push(element); });
    found.forEach(function (widget) {
      if (widget.classList.contains("widget-play")) {
        widget.querySelectorAll("button").forEach(function (button) { setName(button, buttonName(button)); });
      } else {
        var label = widget.querySelector(".widget-label");
        var text = (label && label.textContent.trim()) || "Value";
        widget.querySelectorAll("[role=slider]").forEach(function (handle) { setName(handle, text); });
      }
    });
  }

  // A box that scrolls sideways must be reachable by keyboard; a table's scroll box also gets its cue.
  function markScrollable() {
    document.querySelectorAll(".jupyter-widgets.widget-box:not([tabindex]), .table-scroll").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth;
      if (box.classList.contains("table-scroll")) {
        box.classList.toggle("scrolls", scrolls);
        if (scrolls) box.setAttribute("tabindex", "0"); else box.removeAttribute("tabindex");
      } else if (scrolls) {
        box.setAttribute("tabindex", "0");
      }
    });
  }

  var pending = false;
  new MutationObserver(function (records) {
    // Where controls may have appeared or changed: a class change matters inside a named widget
    // only (Play turning into Pause); added nodes anywhere. Each subtree is searched once.
    var scopes = new Set();
    records.forEach(function (record) {
      var target = record.target.nodeType === 1 ? record.target : record.target.parentElement;
      var scope = target && (target.closest(NAMED) || (record.type === "childList" ? target : null));
      if (scope) scopes.add(scope);
    });
    scopes.forEach(function (scope) {
      for (var up = scope.parentElement; up; up = up.parentElement) if (scopes.has(up)) return;
      nameControls(scope);
    });
    if (!pending) {
      pending = true;
      requestAnimationFrame(function () { pending = false; markScrollable(); });
    }
  }).observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ["class"] });
  window.addEventListener("resize", function () { requestAnimationFrame(markScrollable); });
  nameControls(document.documentElement);
  markScrollable();
})();
