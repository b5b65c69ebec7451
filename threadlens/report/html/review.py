"""The readings to check, first on the page, and the panel's own readings: a form that writes a review file.

Every finding rests on how a few messages were read; the page lists, per conversation, the readings that would
change a finding if they were read the other way (at most the definition's ``most_shown``), and says which
findings stand however any one message is read. A panel member can open any message ("your reading"), choose
a level, say whether it accuses someone, write a reason, and download the readings as a review file for
``threadlens report DIR --review review.toml``. The form is plain script run under the page's policy: nothing is
sent anywhere, text is only ever set as text, and the file is made in the page.
"""

from __future__ import annotations

from typing import Any

from threadlens.model import LEVEL_NAMES, Case
from threadlens.report.html.markup import esc
from threadlens.report.view import STANDS, message_numbers, readings_to_check, review_summary, standing_findings

OPEN_CONVERSATIONS = 2  # conversations whose readings are shown open; the rest behind one click

STYLE = """
#readings{background:#f2f7fb;border-left:5px solid #0072B2;padding:.3rem 1rem;margin:.4rem 0;font-size:.92rem}
#readings h2{margin-top:.3rem;border:0;font-size:1.15rem}#readings ol{margin:.2rem 0 .4rem;padding-left:1.4rem}
#readings p{margin:.2rem 0}.review-note{background:#eef7ee;border-left:5px solid #2a7;padding:.3rem 1rem}
button.read-this{font-size:.75rem;margin-left:.4rem;cursor:pointer}
#review-panel{position:fixed;right:1rem;bottom:1rem;width:26rem;max-height:92vh;overflow:auto;background:#fff;
border:2px solid #333;border-radius:.4rem;padding:.6rem .9rem;z-index:10;box-shadow:0 2px 12px #0004;font-size:.9rem}
#review-panel label{display:block;margin:.35rem 0}#review-panel textarea,#review-panel input,#review-panel select{
width:100%;box-sizing:border-box;font:inherit}#review-panel h2{margin:.2rem 0;font-size:1.1rem;border:0}
"""

SCRIPT = r"""
(function () {
  var data = JSON.parse(document.getElementById("threadlens-review").textContent);
  var readings = data.readings.slice();
  var panel = document.getElementById("review-panel");
  var current = null;
  function byId(id) { return document.getElementById(id); }
  function tomlString(value) {
    return '"' + value.replace(/[\\"]/g, function (c) { return "\\" + c; }).replace(/[\u0000-\u001f\u007f]/g,
      function (c) { return "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4); }) + '"';
  }
  function render() {
    var list = byId("review-list");
    while (list.firstChild) { list.removeChild(list.firstChild); }
    readings.forEach(function (reading) {
      var item = document.createElement("li");
      item.textContent = reading.label + ": " + reading.level + (reading.accuses === null ? "" :
        (reading.accuses ? ", accusing" : ", not accusing")) + " \u2014 " + reading.reason + " (" +
        reading.reviewer + (reading.date ? ", " + reading.date : "") + ")";
      list.appendChild(item);
    });
    byId("review-count").textContent = String(readings.length);
    byId("review-download").disabled = readings.length === 0;
  }
  function open(button) {
    current = {id: button.getAttribute("data-message"), label: "#" + button.getAttribute("data-number")};
    byId("review-message").textContent = current.label + " (" + current.id + "), read now as " +
      button.getAttribute("data-level");
    byId("review-level").value = button.getAttribute("data-level");
    byId("review-error").hidden = true;
    panel.hidden = false;
    byId("review-level").focus();
  }
  document.querySelectorAll("button.read-this").forEach(function (button) {
    button.addEventListener("click", function () { open(button); });
  });
  byId("review-close").addEventListener("click", function () { panel.hidden = true; });
  byId("review-add").addEventListener("click", function () {
    var reason = byId("review-reason").value.trim(), reviewer = byId("review-reviewer").value.trim();
    var error = byId("review-error");
    if (!current || !reason || !reviewer) {
      error.textContent = "A reading needs a message, a reason and a reviewer.";
      error.hidden = false;
      return;
    }
    var accuses = byId("review-accuses").value;
    readings = readings.filter(function (reading) { return reading.id !== current.id; });
    readings.push({id: current.id, label: current.label, level: byId("review-level").value,
      accuses: accuses === "" ? null : accuses === "true", reason: reason, reviewer: reviewer,
      date: byId("review-date").value});
    byId("review-reason").value = "";
    error.hidden = true;
    render();
  });
  byId("review-download").addEventListener("click", function () {
    var lines = ["# A panel's readings, written in a threadlens report.",
                 "# Apply them with: threadlens report DIR --review review.toml", ""];
    readings.forEach(function (reading) {
      lines.push("[[reading]]", "message = " + tomlString(reading.id), "level = " + tomlString(reading.level));
      if (reading.accuses !== null) { lines.push("accuses = " + (reading.accuses ? "true" : "false")); }
      lines.push("reason = " + tomlString(reading.reason), "reviewer = " + tomlString(reading.reviewer));
      if (/^\d{4}-\d{2}-\d{2}$/.test(reading.date)) { lines.push("date = " + reading.date); }
      lines.push("");
    });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([lines.join("\n")], {type: "application/toml"}));
    link.download = "review.toml";
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
  });
  render();
})();
"""


def read_button(message_id: str, number: int, level: int) -> str:
    """The "your reading" button that opens the review form on one message, read now at ``level``."""
    return (
        f'<button type="button" class="read-this" data-message="{esc(message_id)}" data-number="{number}" '
        f'data-level="{esc(LEVEL_NAMES[level])}">your reading</button>'
    )


def readings_section(case: Case) -> str:
    """The readings to check per conversation, the findings that stand, and the review applied, if any."""
    numbers = message_numbers(case)
    blocks = []
    for conversation in readings_to_check(case):
        items = "".join(
            f"<li>{esc(reading.sentence)}"
            f"{read_button(reading.message_id, numbers.get(reading.message_id, 0), reading.level_now)}</li>"
            for reading in conversation.readings_to_check
        )
        blocks.append(
            f'<p>Conversation <span class="mono">{esc(conversation.conversation_id)}</span>:</p><ol>{items}</ol>'
        )
    standing = [
        f'<p>Conversation <span class="mono">{esc(c.conversation_id)}</span>: its findings {STANDS}.</p>'
        for c in standing_findings(case)
    ]
    if not blocks and not standing:
        return ""
    shown, rest = blocks[:OPEN_CONVERSATIONS], blocks[OPEN_CONVERSATIONS:]
    more = (
        f"<details><summary>Readings to check in {len(rest)} more conversation(s)</summary>{''.join(rest)}</details>"
        if rest
        else ""
    )
    review = "".join(f"<p>{esc(line)}</p>" for line in review_summary(case))
    note = f'<div class="review-note">{review}</div>' if review else ""
    return (
        '<section id="readings"><h2>Readings to check</h2><p class="muted">Each finding rests on how a few messages '
        "were read. If one of these readings is wrong, the finding changes: check them by eye, and give your own "
        "reading where you read a message otherwise.</p>"
        f"{''.join(shown)}{more}{''.join(standing)}</section>{note}"
    )


def review_form() -> str:
    """The review form, hidden until a message is opened."""
    options = "".join(
        f'<option value="{esc(name)}">{level} {esc(name)}</option>' for level, name in enumerate(LEVEL_NAMES)
    )
    return (
        '<aside id="review-panel" hidden><h2>Your reading</h2><p>Message <b id="review-message"></b></p>'
        f'<label>Level <select id="review-level">{options}</select></label>'
        '<label>Accuses someone of abuse <select id="review-accuses"><option value="">as the scorer read it</option>'
        '<option value="true">yes</option><option value="false">no</option></select></label>'
        '<label>Reason <textarea id="review-reason" rows="3"></textarea></label>'
        '<label>Reviewer <input id="review-reviewer" autocomplete="name"></label>'
        '<label>Date <input id="review-date" type="date"></label>'
        '<p id="review-error" class="warning" hidden></p>'
        '<button type="button" id="review-add">Add this reading</button> '
        '<button type="button" id="review-close">Close</button>'
        '<p>Readings in this review: <span id="review-count">0</span></p><ol id="review-list"></ol>'
        '<button type="button" id="review-download">Download review.toml</button>'
        '<p class="muted">Nothing leaves this page. Apply the file with: '
        '<span class="mono">threadlens report DIR --review review.toml</span></p></aside>'
    )


def review_data(case: Case) -> dict[str, Any]:
    """What the form starts from: the readings of the review already applied (kept when the file is saved)."""
    review = case.findings.review
    numbers = message_numbers(case)
    readings = [
        {
            "id": reading.message_id,
            "label": f"#{numbers.get(reading.message_id, 0)}",
            "level": LEVEL_NAMES[reading.level],
            "accuses": reading.accuses,
            "reason": reading.reason,
            "reviewer": reading.reviewer,
            "date": reading.date or "",
        }
        for reading in (review.readings if review else ())
    ]
    return {"readings": readings}
