/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'test/tsconfig.json', isolatedModules: true }] },
	testTimeout: 60_000,
	// n8n-core's DI container writes its config under N8N_USER_FOLDER: keep it out of $HOME.
	setupFiles: ['<rootDir>/test/setup-env.ts'],
};
