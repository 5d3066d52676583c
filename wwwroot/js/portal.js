// Small browser helpers for the portal (loaded as an ES module; CSP allows only same-origin scripts).
export function timeZone() {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

export async function copyText(text) {
    await navigator.clipboard.writeText(text);
}

export function printPage() {
    window.print();
}
