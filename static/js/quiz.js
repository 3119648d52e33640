// A quiz attempt's page, with JavaScript: a warning before submitting with questions left
// blank, and what to do when saving an answer fails. The server stays the authority: a
// submission with blanks that was not confirmed gets a confirmation page without this script,
// and the warning only spares that round trip. Its markup is drawn by the server, hidden;
// this shows the parts that apply.
(function () {
  "use strict";

  function unanswered(form) {
    var blank = [];
    Array.prototype.forEach.call(form.querySelectorAll("fieldset.question"), function (question) {
      if (!question.querySelector("input:checked")) {
        blank.push(question.getAttribute("data-position"));
      }
    });
    return blank;
  }

  // Lists the blank questions in the warning; false when there are none.
  function showBlank(warning, blank) {
    Array.prototype.forEach.call(warning.querySelectorAll("[data-position]"), function (item) {
      item.hidden = blank.indexOf(item.getAttribute("data-position")) === -1;
    });
    // The words come from the page, in its language: this only chooses them and fills in the count.
    var heading = warning.querySelector("[data-unanswered-other]");
    var words = heading.getAttribute(blank.length === 1 ? "data-unanswered-one" : "data-unanswered-other");
    heading.textContent = words.replace("{count}", blank.length);
    return blank.length > 0;
  }

  function watchSubmit(form) {
    var warning = document.getElementById("unanswered-warning");
    if (!warning) {
      return;
    }
    form.addEventListener("submit", function (event) {
      var by = event.submitter;
      if (!by || by.getAttribute("data-final-submit") === null) {
        return; // saving for later, or already confirmed ("Submit anyway")
      }
      if (showBlank(warning, unanswered(form))) {
        event.preventDefault();
        warning.hidden = false;
        warning.focus();
      }
    });
    form.addEventListener("change", function () {
      if (!warning.hidden && !showBlank(warning, unanswered(form))) {
        warning.hidden = true;
      }
    });
  }

  function watchSaving(form) {
    var state = document.getElementById("save-state");
    var failed = document.getElementById("save-failed");
    if (!state || !failed) {
      return;
    }
    function notSaved() {
      state.replaceChildren(failed.content.cloneNode(true));
    }
    form.addEventListener("htmx:sendError", notSaved);
    form.addEventListener("htmx:timeout", notSaved);
    form.addEventListener("htmx:afterRequest", function (event) {
      var status = event.detail.xhr ? event.detail.xhr.status : 0;
      if (status >= 500) {
        notSaved();
      }
    });
    state.addEventListener("click", function (event) {
      if (event.target.closest("[data-retry-save]") && window.htmx) {
        window.htmx.trigger(form, "change");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("quiz-form");
    if (form) {
      watchSubmit(form);
      watchSaving(form);
    }
  });
})();
