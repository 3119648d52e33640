// The dialing drill's countdown: the seconds left to answer a card, counted down on the page.
// The server keeps the time box and decides what is late; this only shows it. Each card that
// htmx swaps in starts its own countdown.
(function () {
  "use strict";

  var timer = null;

  function stop() {
    if (timer !== null) {
      window.clearInterval(timer);
      timer = null;
    }
  }

  function start(root) {
    var clock = root.querySelector ? root.querySelector("[data-seconds-left]") : null;
    stop();
    if (!clock) {
      return;
    }
    var text = clock.querySelector(".countdown-text");
    var left = parseInt(clock.getAttribute("data-seconds-left"), 10);
    var ends = Date.now() + left * 1000;

    function tick() {
      var seconds = Math.max(0, Math.ceil((ends - Date.now()) / 1000));
      if (seconds > 0) {
        text.textContent = seconds + (seconds === 1 ? " second" : " seconds") + " left to answer.";
      } else {
        text.textContent = "Time is up: an answer now counts as late, and wrong.";
        clock.classList.add("countdown-over");
        stop();
      }
    }

    if (text && left > 0) {
      tick();
      timer = window.setInterval(tick, 250);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    start(document);
  });
  document.addEventListener("htmx:load", function (event) {
    start(event.target);
  });
})();
