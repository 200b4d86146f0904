// speedscope.mjs PROFILE LEAF CHAIN SEARCH: checks a pyflame speedscope file as its users see
// it. The file must satisfy speedscope's own published schema; speedscope itself (from npm,
// served on 127.0.0.1) must load it in headless chromium and draw it; clicking the leaf
// frame must show its details with CHAIN (the stack as speedscope lists it, "name (file:line)"
// innermost first, joined by " > "); searching for SEARCH must find matches. Prints "ok - ..."
// or "not ok - ..." lines, as the test harness reads them.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { chromium } from 'playwright-core';
import { CHROMIUM, serve } from './serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const release = path.join(here, 'node_modules', 'speedscope', 'dist', 'release');
const [profile, leaf, chain, search] = process.argv.slice(2);
let failed = 0;
const check = (ok, what, detail = '') => {
	console.log(`${ok ? 'ok' : 'not ok'} - speedscope: ${what}${ok || !detail ? '' : `\n#   ${detail}`}`);
	if (!ok) failed++;
};

const schema = JSON.parse(fs.readFileSync(path.join(release, 'file-format-schema.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
const valid = ajv.validate(schema, JSON.parse(fs.readFileSync(profile, 'utf8')));
check(valid, "the file satisfies speedscope's file-format-schema.json", ajv.errorsText(ajv.errors));

const { server, base } = await serve(release, { '/profile.json': profile });
const browser = await chromium.launch(CHROMIUM);
try {
	const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
	const errors = [];
	page.on('pageerror', (e) => errors.push(e.message));
	await page.goto(`${base}/#profileURL=${encodeURIComponent(`${base}/profile.json`)}`);
	await page.waitForFunction(() => document.title.endsWith(' - speedscope'), null, { timeout: 20000 });
	await page.waitForTimeout(500);
	check(errors.length === 0, 'loads without a page error', errors.join('; '));
	const shot = await page.screenshot({ clip: { x: 0, y: 140, width: 1200, height: 300 } });
	const blank = await page.screenshot({ clip: { x: 0, y: 650, width: 1200, height: 50 } });
	check(shot.length > blank.length * 2, `draws the flame chart (${shot.length} bytes of PNG vs ${blank.length} for empty space)`);

	// Rows are about 20 px from y = 150 down; click down the middle until the leaf is selected.
	let details = '';
	for (let y = 150; y < 650 && !details.includes(`${leaf}\n`); y += 10) {
		await page.mouse.click(600, y);
		await page.waitForTimeout(100);
		details = await page.evaluate(() => document.body.innerText);
	}
	const shown = details.split('\n').filter((l) => /^(> )?\S.* \(.*:\d+\)$/.test(l)).join(' ');
	check(shown.includes(chain), `clicking ${leaf} shows its stack: ${shown}`, `want ${chain}`);

	await page.keyboard.press('Control+f');
	await page.waitForTimeout(200);
	await page.keyboard.type(search);
	await page.waitForTimeout(500);
	const found = (await page.evaluate(() => document.body.innerText)).match(/\?\/(\d+)/);
	check(found && Number(found[1]) >= 1, `searching '${search}' finds ${found ? found[1] : 'no'} match(es)`);
} finally {
	await browser.close();
	server.close();
}
process.exit(failed ? 1 : 0);
