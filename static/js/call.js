// A roleplay call: the call's running clock, and where the eye and the screen reader go after
// a reply. The server renders when the call started and how long it has run (and the page
// works without this file: it says when the call started, and a reply reloads the page at the
// newest line).
(function () {
  "use strict";

  var clock = null;

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  function elapsed(seconds) {
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var rest = seconds % 60;
    return hours > 0 ? hours + ":" + pad(minutes) + ":" + pad(rest) : minutes + ":" + pad(rest);
  }

  function startClock(root) {
    var started = root.querySelector ? root.querySelector("[data-call-started]") : null;
    var shown = root.querySelector ? root.querySelector("[data-call-timer]") : null;
    if (!started || !shown) {
      return;
    }
    if (clock !== null) {
      window.clearInterval(clock);
    }
    // Counted from the seconds the server says the call has run, on this device's clock: its
    // start time would be read against a device clock that may be minutes off the server's.
    var seconds = parseInt(started.getAttribute("data-call-seconds"), 10);
    if (isNaN(seconds)) {
      return;
    }
    var from = Date.now() - seconds * 1000;
    function tick() {
      shown.textContent = elapsed(Math.max(0, Math.floor((Date.now() - from) / 1000)));
    }
    tick();
    shown.parentNode.hidden = false;
    clock = window.setInterval(tick, 1000);
  }

  function openWhenWide(root) {
    if (!root.querySelectorAll || !window.matchMedia("(min-width: 60rem)").matches) {
      return;
    }
    root.querySelectorAll("details[data-open-wide]").forEach(function (details) {
      details.open = true;
    });
  }

  function announceAndFocus(call) {
    var latest = call.querySelector("#latest");
    var announcer = document.getElementById("call-announcer");
    var debrief = call.querySelector("#debrief-heading");
    if (debrief) {
      debrief.focus();
      return;
    }
    if (latest && announcer) {
      var speaker = latest.querySelector(".speaker");
      var line = latest.querySelector("p");
      announcer.textContent = (speaker ? speaker.textContent + ": " : "") + (line ? line.textContent : "");
    }
    if (latest) {
      latest.scrollIntoView({ block: "start" });
    }
    var next = call.querySelector("#reply-heading") || call.querySelector("#record-heading");
    if (next) {
      next.focus({ preventScroll: true });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    startClock(document);
    openWhenWide(document);
  });
  document.addEventListener("htmx:load", function (event) {
    startClock(event.target);
    openWhenWide(event.target);
  });
  // A reply, the end of the call or the do-not-call record swaps the whole call in place.
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && event.target.id === "call") {
      announceAndFocus(event.target);
    }
  });
})();
