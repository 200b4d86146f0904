// ui_test.js: injected by run_ui.py at the end of a copy of a pyflame SVG, after
//   var PYFLAME_TEST = { zooms: [frame indexes], search: regexp, ctrlf: regexp };
// Once the page has loaded (and pyflame's own script has set up), it drives the page as a user
// would: real click, mouseover and keydown events, window.prompt answered by a stub. It zooms
// into each frame of zooms in turn (indexes in document order; the last is the one hovered),
// resets, searches with the button, clears, searches with Ctrl+F; a flame chart's time axis
// is read after each zoom and the reset. What it sees goes as JSON
// into a text element with id "result", for run_ui.py to read from chromium's --dump-dom.
var PYFLAME_ERRORS = [];
window.addEventListener('error', function (e) {
	PYFLAME_ERRORS.push(String(e.message));
});
window.addEventListener('load', function () {
	var r = { errors: PYFLAME_ERRORS };
	var HIT = 'rgb(230, 60, 230)';
	function frames() {
		return Array.prototype.slice.call(document.querySelectorAll('g.f'));
	}
	function name(g) {
		return g.querySelector('title').textContent.split('\n')[0];
	}
	function width(g) {
		return +g.querySelector('rect').getAttribute('width');
	}
	function click(el) {
		el.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
	}
	function shown(g) {
		return getComputedStyle(g).display !== 'none';
	}
	function hits() {
		return frames().filter(function (g) {
			return getComputedStyle(g.querySelector('rect')).fill === HIT;
		}).map(name);
	}
	function search(term, how) {
		window.prompt = function () {
			return term;
		};
		how();
		return { matched: document.getElementById('matched').textContent, hits: hits() };
	}
	// A flame chart's time axis: each label's place and text.
	function axis() {
		return Array.prototype.slice.call(document.querySelectorAll('#axis text')).map(function (t) {
			return [+t.getAttribute('x'), t.textContent];
		});
	}
	// What the page shows after a zoom: every frame's place, the greyed and the hidden.
	function zoomed(g) {
		return {
			name: name(g), width: width(g), axis: axis(),
			bbox: g.querySelector('rect').getBoundingClientRect().width,
			layout: frames().map(function (f) {
				var b = f.querySelector('rect');
				return [+b.getAttribute('x'), +b.getAttribute('width')];
			}),
			greyed: frames().filter(function (f) {
				return f.classList.contains('anc');
			}).map(name),
			hidden: frames().filter(function (f) {
				return !shown(f);
			}).length
		};
	}
	try {
		r.frames = frames().length;
		var zooms = PYFLAME_TEST.zooms, target = frames()[zooms[zooms.length - 1]];
		var rect = target.querySelector('rect'), box = rect.getBoundingClientRect();
		// Drawn: laid out where its attributes say, on top at its centre, its label rendered.
		r.before = { width: width(target), bbox: box.width };
		var at = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
		r.on_top = at !== null && at.closest('g.f') === target;
		var text = target.querySelector('text');
		r.text_px = text ? text.getComputedTextLength() : 0;
		rect.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
		r.details = document.getElementById('details').textContent;

		r.zooms = zooms.map(function (i) {
			click(frames()[i].querySelector('rect'));
			return zoomed(frames()[i]);
		});
		var reset = document.getElementById('reset');
		r.reset_shown = getComputedStyle(reset).visibility;
		click(reset);
		r.after_reset = {
			width: width(target), hidden: frames().filter(function (f) {
				return !shown(f);
			}).length, greyed: document.querySelectorAll('g.anc').length,
			reset_shown: getComputedStyle(reset).visibility, axis: axis()
		};

		var button = document.getElementById('search');
		r.search = search(PYFLAME_TEST.search, function () {
			click(button);
		});
		r.search.button = button.textContent;
		click(button); // a second click clears the search
		r.cleared = { matched: document.getElementById('matched').textContent, hits: hits().length };
		r.ctrlf = search(PYFLAME_TEST.ctrlf, function () {
			window.dispatchEvent(new KeyboardEvent('keydown', { key: 'f', ctrlKey: true, bubbles: true, cancelable: true }));
		});
	} catch (e) {
		r.errors.push('test: ' + e);
	}
	var out = document.createElementNS('http://www.w3.org/2000/svg', 'text');
	out.setAttribute('id', 'result');
	out.textContent = JSON.stringify(r);
	document.documentElement.appendChild(out);
});
