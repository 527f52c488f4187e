// Tells the server the browser's time zone, so that "as of" times and the
// times shown are the viewer's. Everything else works without JavaScript.
(function () {
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) {}
  document.addEventListener("DOMContentLoaded", function () {
    var fields = document.querySelectorAll("input.tz");
    for (var i = 0; i < fields.length; i++) { fields[i].value = zone; }
  });
})();
