/* "Exporter" menus (<details class="export-menu">): Escape closes the open menu that holds the focus (or the
 * first open one) and gives the focus back to its button, as a menu button should. Served locally by Dash. */
(function () {
    "use strict";

    function openMenu(target) {
        var inside = target && target.closest ? target.closest("details.export-menu[open]") : null;
        return inside || document.querySelector("details.export-menu[open]");
    }

    document.addEventListener("keydown", function (e) {
        if (e.key !== "Escape" || e.defaultPrevented) { return; }
        var menu = openMenu(document.activeElement);
        if (!menu) { return; }
        menu.open = false;
        var button = menu.querySelector("summary");
        if (button) { button.focus(); }
        e.preventDefault();
    }, true);
}());
