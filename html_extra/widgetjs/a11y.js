// Accessibility fix-ups for what the widget renderer draws (loaded on widget pages only, after it).
// ipywidgets' slider handles and Play buttons have no accessible name, and a wide widget box
// scrolls without being focusable. Name them from what a sighted reader sees, and keep the names
// in step: the Play button turns into Pause while playing (its icon's class changes).
// The renderer may draw widgets before this script runs (load-widgets.js loads it after), so it
// fixes what is already there as well as what comes later.
(function () {
  var ICONS = { "fa-play": "Play", "fa-pause": "Pause", "fa-stop": "Stop", "fa-retweet": "Repeat", "fa-repeat": "Repeat" };

  function name(button) {
    var icon = button.querySelector("[class*='fa-']");
    for (var key in ICONS) if (icon && icon.classList.contains(key)) return ICONS[key];
    return "Animation control";
  }

  function fix() {
    document.querySelectorAll(".widget-slider").forEach(function (slider) {
      var label = slider.querySelector(".widget-label");
      var text = (label && label.textContent.trim()) || "Value";
      slider.querySelectorAll("[role=slider]:not([aria-label])").forEach(function (handle) {
        handle.setAttribute("aria-label", text);
      });
    });
    document.querySelectorAll(".widget-play button").forEach(function (button) {
      var label = name(button);
      if (button.getAttribute("aria-label") !== label) button.setAttribute("aria-label", label);
    });
    document.querySelectorAll(".jupyter-widgets.widget-box:not([tabindex])").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) box.setAttribute("tabindex", "0");
    });
  }

  var pending = false;
  new MutationObserver(function () {
    if (!pending) {
      pending = true;
      requestAnimationFrame(function () { pending = false; fix(); });
    }
  }).observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ["class"] });
  fix();
})();
