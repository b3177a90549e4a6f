// Progressive enhancement: a live "n / 1000" under the message box. Without JS the
// box still stops at its maxlength and the hint says the limit.
(function () {
  function attach(area) {
    var counter = document.getElementById(area.getAttribute("data-counter"));
    if (!counter) { return; }
    var template = counter.getAttribute("data-template");
    function update() {
      counter.textContent = template.replace("__COUNT__", String(area.value.length));
    }
    area.addEventListener("input", update);
    update();
  }
  document.addEventListener("DOMContentLoaded", function () {
    var areas = document.querySelectorAll("textarea[data-counter]");
    for (var i = 0; i < areas.length; i++) { attach(areas[i]); }
  });
})();
