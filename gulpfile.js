const path = require('path');
const { task, src, dest } = require('gulp');

// `n8n-node build` compiles with tsc and copies the icons (*.png, *.svg); n8n also reads each node's codex
// (Sam3.node.json: categories, docs links, aliases) from next to the compiled class, and that file is copied here.
task('build:codex', copyCodex);

function copyCodex() {
	return src(path.resolve('nodes', '**', '*.node.json')).pipe(dest(path.resolve('dist', 'nodes')));
}
