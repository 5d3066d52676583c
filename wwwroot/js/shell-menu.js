// Arrow-key movement inside the app bar's plain-HTML menus (ShellMenu), per the WAI-ARIA menu pattern: one listener on
// the document for every menu, so no circuit holds a JS handle or a .NET callback for it.
(() => {
    const itemSelector = '[role="menuitem"], .signout-button';
    document.addEventListener("keydown", event => {
        const menu = event.target instanceof Element ? event.target.closest('[role="menu"]') : null;
        if (!menu || !["ArrowDown", "ArrowUp", "Home", "End"].includes(event.key)) {
            return;
        }

        const items = [...menu.querySelectorAll(itemSelector)].filter(item => !item.disabled);
        if (items.length === 0) {
            return;
        }

        const current = items.indexOf(event.target.closest(itemSelector));
        const last = items.length - 1;
        const next = event.key === "Home" ? 0
            : event.key === "End" ? last
            : event.key === "ArrowDown" ? (current < 0 || current === last ? 0 : current + 1)
            : (current <= 0 ? last : current - 1);
        event.preventDefault(); // the page must not scroll under an open menu
        items[next].focus();
    });
})();
