// The tools tree (emulator, rig, e2e, bench, scan; never published) is not linted by n8n's node rules: it runs
// on Node, not in n8n, and uses fs, child_process, timers and process by design. npm run lint sets ESLint's
// unstable_config_lookup_from_file flag, so files here take this config instead of the root eslint.config.mjs,
// which stays n8n's default (strict mode) for nodes/, credentials/ and package.json.
export default [{ ignores: ['**/*'] }];
