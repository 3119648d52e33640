// Countdowns: the time left before something the server decides (a drill card's time box, a
// timed quiz attempt's deadline, the wait before a quiz may be tried again), counted down on
// the page. The server keeps the time and decides what is late; this only shows it.
//
// A countdown is an element with data-seconds-left (worked out by the server when it drew the
// page) holding a .countdown-text. Its data attributes say what it shows, in the page's language
// (the words are the page's, drawn by the server; this script writes only numbers):
//   data-text       the words while it runs, "{time}" standing for the time left
//   data-text-one   the words when one second is left (format "seconds"), if they differ
//   data-over-text  the words once it reaches zero
//   data-format     "seconds" ("42", the default) or "clock" ("4:05", "1:02:09")
//   data-reveal     the id of an element (hidden until then) to show once it reaches zero
// A countdown that is hidden (it has nothing to say without this script) is shown. Content
// that htmx swaps in starts its own countdowns; one whose element has left the page stops.
(function () {
  "use strict";

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  function spoken(seconds, format) {
    if (format === "clock") {
      var hours = Math.floor(seconds / 3600);
      var minutes = Math.floor((seconds % 3600) / 60);
      var rest = seconds % 60;
      return hours ? hours + ":" + pad(minutes) + ":" + pad(rest) : minutes + ":" + pad(rest);
    }
    return String(seconds);
  }

  function start(clock) {
    var text = clock.querySelector(".countdown-text");
    var left = parseInt(clock.getAttribute("data-seconds-left"), 10);
    if (!text || isNaN(left) || clock.hasAttribute("data-counting")) {
      return;
    }
    clock.setAttribute("data-counting", "");
    clock.hidden = false;
    var format = clock.getAttribute("data-format") || "seconds";
    var running = clock.getAttribute("data-text") || "{time}";
    var runningOne = clock.getAttribute("data-text-one") || running;
    var over = clock.getAttribute("data-over-text") || "";
    var ends = Date.now() + left * 1000;
    var timer = null;

    function finish() {
      // Said once, politely: the running time is not read out every second.
      clock.setAttribute("aria-live", "polite");
      text.textContent = over;
      clock.classList.add("countdown-over");
      var reveal = clock.getAttribute("data-reveal");
      var revealed = reveal ? document.getElementById(reveal) : null;
      if (revealed) {
        revealed.hidden = false;
      }
    }

    function tick() {
      if (!clock.isConnected) {
        window.clearInterval(timer);
        return;
      }
      var seconds = Math.max(0, Math.ceil((ends - Date.now()) / 1000));
      if (seconds > 0) {
        var words = format === "seconds" && seconds === 1 ? runningOne : running;
        text.textContent = words.replace("{time}", spoken(seconds, format));
      } else {
        window.clearInterval(timer);
        finish();
      }
    }

    if (left > 0) {
      tick();
      timer = window.setInterval(tick, 250);
    } else {
      finish();
    }
  }

  function startAll(root) {
    if (root.matches && root.matches("[data-seconds-left]")) {
      start(root);
    }
    if (root.querySelectorAll) {
      Array.prototype.forEach.call(root.querySelectorAll("[data-seconds-left]"), start);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    startAll(document);
  });
  document.addEventListener("htmx:load", function (event) {
    startAll(event.target);
  });
})();
