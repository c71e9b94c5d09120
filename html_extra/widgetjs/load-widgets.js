// The only widget script a page loads up front (deferred, on pages with widgets only).
// When the first widget comes within a screen's height of the viewport, it fetches the page's
// widget state (moved out of the HTML by _ext/page_speed.py) and then, in order, the renderer
// with our fix-ups, all from this folder. The text of the page never waits for them.
(function () {
  var folder = document.currentScript.src.replace(/\/[^/]*$/, "");
  var VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]';
  var STATE = 'script[type="application/vnd.jupyter.widget-state+json"][data-src]';
  var RENDERER = [
    ["require.js", {}],
    ["require-config.js", {}],
    ["a11y.js", {}],  // before the renderer: it names controls as they are drawn
    ["embed-amd.js", { "data-jupyter-widgets-cdn": folder + "/" }],
  ];
  var started = false;

  function addScript(name, attributes) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = folder + "/" + name;
      for (var key in attributes) script.setAttribute(key, attributes[key]);
      script.onload = resolve;
      script.onerror = function () { reject(new Error("could not load " + script.src)); };
      document.head.appendChild(script);
    });
  }

  function fetchState() {
    var holder = document.querySelector(STATE);
    if (!holder) return Promise.resolve();
    return fetch(new URL(holder.getAttribute("data-src"), document.baseURI))
      .then(function (response) {
        if (!response.ok) throw new Error("could not load " + response.url + ": " + response.status);
        return response.text();
      })
      .then(function (text) {
        holder.textContent = text;
        holder.removeAttribute("data-src");
      });
  }

  function load() {
    if (started) return;
    started = true;
    RENDERER.reduce(function (previous, file) {
      return previous.then(function () { return addScript(file[0], file[1]); });
    }, fetchState()).catch(function (error) { console.error(error); });
  }

  var views = document.querySelectorAll(VIEW);
  if (!views.length) return;
  if (!("IntersectionObserver" in window)) return load();
  var observer = new IntersectionObserver(function (entries) {
    if (entries.some(function (entry) { return entry.isIntersecting; })) {
      observer.disconnect();
      load();
    }
  }, { rootMargin: "100% 0px" });
  views.forEach(function (view) { observer.observe(view.parentElement); });
})();
