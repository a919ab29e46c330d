/* Mode présentation: one section per screen, moved with the keyboard (clickers send PageUp/PageDown),
 * the "Précédent / Suivant" buttons, or #section-N in the address. Served locally by Dash (assets/).
 * The entry panel of the current section (comments and decisions during the meeting) opens with its button
 * or the keys C and D, closes with Escape; keys typed in a field, or with the focus in the panel, never
 * change section. */
(function () {
    "use strict";
    var NEXT = {ArrowRight: 1, ArrowDown: 1, PageDown: 1, " ": 1, Spacebar: 1};
    var PREV = {ArrowLeft: 1, ArrowUp: 1, PageUp: 1};
    var ENTRY_FIELDS = {c: ".comment-body-input textarea", d: ".decision-text-input textarea"};

    function root() { return document.getElementById("presentation"); }
    function sections(r) { return Array.prototype.slice.call(r.querySelectorAll("section.presentation-section")); }

    function fromHash(count) {
        var m = /^#section-(\d+)$/.exec(window.location.hash || "");
        var n = m ? parseInt(m[1], 10) : 1;
        return Math.min(Math.max(n, 1), Math.max(count, 1));
    }

    function show(n, focus) {
        var r = root();
        if (!r) { return; }
        var all = sections(r);
        if (!all.length) { return; }
        n = Math.min(Math.max(n, 1), all.length);
        all.forEach(function (s, i) {
            var current = i === n - 1;
            s.classList.toggle("is-current", current);
            s.setAttribute("aria-hidden", current ? "false" : "true");
        });
        r.setAttribute("data-current", String(n));
        var status = document.getElementById("presentation-status");
        var template = r.getAttribute("data-position") || "{n} / {total}";
        if (status) {
            status.textContent = template.replace("{n}", n).replace("{total}", all.length)
                .replace("{title}", all[n - 1].getAttribute("data-title") || "");
        }
        var prev = document.getElementById("presentation-prev");
        var next = document.getElementById("presentation-next");
        if (prev) { prev.disabled = n === 1; }
        if (next) { next.disabled = n === all.length; }
        var hash = "#section-" + n;
        if (window.location.hash !== hash) {
            history.replaceState(history.state, "", window.location.pathname + window.location.search + hash);
        }
        if (focus) { all[n - 1].focus({preventScroll: true}); }
        window.scrollTo(0, 0);
    }

    function move(step) {
        var r = root();
        if (!r) { return; }
        show(parseInt(r.getAttribute("data-current") || "1", 10) + step, true);
    }

    function typing(target) {
        if (!target) { return false; }
        var tag = (target.tagName || "").toLowerCase();
        return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
    }

    function inEntry(target) {
        return !!(target && target.closest && target.closest(".pres-entry"));
    }

    /* Open (focusing the field `selector` of the current section's panel) or close the entry panels. */
    function setEntry(open, selector) {
        var r = root();
        var toggle = document.getElementById("presentation-entry-toggle");
        if (!r || !toggle || toggle.disabled) { return; }  // a frozen snapshot is read-only
        r.classList.toggle("entry-open", open);
        document.body.classList.toggle("pres-entry-open", open);
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
        var current = r.querySelector("section.presentation-section.is-current");
        var field = open && selector && current ? current.querySelector(".pres-entry " + selector) : null;
        if (field) { field.focus({preventScroll: true}); }  // the name field stays in view at the top
        else if (!open) { toggle.focus(); }
    }

    function entryOpen() {
        var r = root();
        return !!(r && r.classList.contains("entry-open"));
    }

    document.addEventListener("keydown", function (e) {
        if (!root() || e.altKey || e.ctrlKey || e.metaKey) { return; }
        if (e.key === "Escape" && entryOpen() && !e.defaultPrevented) { setEntry(false); return; }
        if (typing(e.target) || inEntry(e.target)) { return; }
        if (ENTRY_FIELDS[e.key]) { e.preventDefault(); setEntry(true, ENTRY_FIELDS[e.key]); return; }
        var onControl = e.target && /^(button|a)$/i.test(e.target.tagName || "");
        if ((e.key === " " || e.key === "Spacebar") && onControl) { return; }  // Space activates the control
        if (NEXT[e.key]) { e.preventDefault(); move(1); }
        else if (PREV[e.key]) { e.preventDefault(); move(-1); }
        else if (e.key === "Home") { e.preventDefault(); show(1, true); }
        else if (e.key === "End") { e.preventDefault(); show(sections(root()).length, true); }
        else if (e.key === "f" && document.documentElement.requestFullscreen) {
            if (document.fullscreenElement) { document.exitFullscreen(); }
            else { document.documentElement.requestFullscreen().catch(function () { return null; }); }
        }
    });

    document.addEventListener("click", function (e) {
        var button = e.target && e.target.closest ? e.target.closest("#presentation-prev, #presentation-next") : null;
        if (button) { move(button.id === "presentation-next" ? 1 : -1); }
        if (e.target && e.target.closest && e.target.closest("#presentation-entry-toggle")) {
            setEntry(!entryOpen(), ENTRY_FIELDS.c);
        }
    });

    window.addEventListener("hashchange", function () {
        var r = root();
        if (r) { show(fromHash(sections(r).length), true); }
    });

    /* Dash renders pages after load and re-renders on navigation: set up each new deck once. */
    function watch() {
        var r = root();
        document.body.classList.toggle("presenting", !!r);
        document.body.classList.toggle("pres-entry-open", !!r && r.classList.contains("entry-open"));
        if (r && r.getAttribute("data-ready") !== "1") {
            r.setAttribute("data-ready", "1");
            show(fromHash(sections(r).length), false);
        }
    }
    new MutationObserver(watch).observe(document.documentElement, {childList: true, subtree: true});
    document.addEventListener("DOMContentLoaded", watch);
}());
