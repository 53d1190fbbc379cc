/** The page's stylesheet: plain, readable, printable; no fonts or images fetched. */
export const reportStyle = `
:root { color-scheme: light; --ink: #1f2933; --muted: #52606d; --line: #d9e2ec; --accent: #2f6fde; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #f5f7fa; }
header, main, footer { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; }
h1 { margin: 0 0 4px; font-size: 26px; }
h2 { margin: 32px 0 8px; font-size: 20px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { margin: 0 0 4px; font-size: 16px; }
.meta { color: var(--muted); margin: 0; }
nav { margin: 12px 0; display: flex; gap: 16px; flex-wrap: wrap; }
nav a { color: var(--accent); text-decoration: none; }
.notice { background: #fff8e1; border: 1px solid #f0c36d; border-radius: 6px; padding: 12px 16px; margin: 16px 0; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); gap: 12px; margin: 16px 0; }
.figure { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; }
.figure .value { font-size: 24px; font-weight: 600; display: block; }
.figure .label, .figure .query { color: var(--muted); font-size: 13px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 16px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 16px; }
.card p { margin: 0 0 8px; color: var(--muted); }
.chart { width: 100%; height: 360px; }
.empty { display: flex; align-items: center; justify-content: center; height: 120px; color: var(--muted);
         border: 1px dashed var(--line); border-radius: 6px; margin: 0; }
.placeholder { border-style: dashed; }
code { font-size: 13px; background: #eef2f7; padding: 1px 4px; border-radius: 3px; }
footer { color: var(--muted); font-size: 13px; padding-bottom: 32px; }
`;
