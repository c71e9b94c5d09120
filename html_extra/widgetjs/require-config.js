// Loaded between require.js and the widget renderer (embed-amd.js), on pages with widgets only.
// Each of the renderer's modules (@jupyter-widgets/base, /controls, /html-manager/dist/...) finds
// its icon fonts relative to where require.js thinks the module lives; by default that is under the
// page's own folder, where the fonts are not. Map the modules to this folder, where `make site`
// copies the renderer and its fonts.
(function () {
  var folder = document.currentScript.src.replace(/\/[^/]*$/, "");
  require.config({
    paths: {
      "@jupyter-widgets": folder,
      "@jupyter-widgets/html-manager/dist": folder,
    },
  });
})();
