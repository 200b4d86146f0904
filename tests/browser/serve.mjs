// serve.mjs: a static file server on 127.0.0.1 for the browser tests (no network beyond it).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css',
	'.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml' };

// Serves files under root, and each of extra ({ '/name': '/abs/path' }) at its name.
export async function serve(root, extra = {}) {
	const server = http.createServer((req, res) => {
		const url = decodeURIComponent(req.url.split(/[?#]/)[0]);
		const file = extra[url] ?? path.join(root, url === '/' ? 'index.html' : path.normalize(url));
		fs.readFile(file, (err, data) => {
			if (err) {
				res.writeHead(404);
				res.end();
				return;
			}
			res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
			res.end(data);
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { server, base: `http://127.0.0.1:${server.address().port}` };
}

// Debian's chromium, headless, with nothing that reaches for the network.
export const CHROMIUM = {
	executablePath: '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync',
		'--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
};
