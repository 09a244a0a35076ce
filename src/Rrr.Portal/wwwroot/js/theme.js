// Remembers the light/dark choice per browser; falls back to the system preference.
window.rrrTheme = {
    isDark: () => {
        const saved = localStorage.getItem("rrr.theme");
        return saved ? saved === "dark" : window.matchMedia("(prefers-color-scheme: dark)").matches;
    },
    remember: (dark) => localStorage.setItem("rrr.theme", dark ? "dark" : "light"),
};
