// A callback answered 401 (session expired or signed out elsewhere): go to the sign-in page, then come back.
(function () {
    const original = window.fetch;
    window.fetch = function (input, init) {
        return original.apply(this, arguments).then(function (response) {
            const url = typeof input === "string" ? input : (input && input.url) || "";
            if (response.status === 401 && url.indexOf("/_dash-") !== -1) {
                const next = window.location.pathname + window.location.search;
                window.location.assign("/auth/login?expired=1&next=" + encodeURIComponent(next));
            }
            return response;
        });
    };
})();
