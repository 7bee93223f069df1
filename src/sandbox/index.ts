/** The sandbox: an in-process registry with token auth on loopback, for `demo`, `sandbox` and the tests. */
export type {AccessEntry, Sandbox, SandboxOptions, SandboxRule, SandboxStats, SandboxSwitches, SandboxUser} from './types.js'
export {DEFAULT_RULES, DEFAULT_USERS, allowedActions, grantAccess} from './rules.js'
export {BASIC_REALM, DEFAULT_ISSUER, DEFAULT_SERVICE, DEFAULT_TOKEN_TTL_SECONDS, startSandbox} from './server.js'
export {TOKEN_PATH, startTokenServer, type StandaloneTokenServer} from './token-server.js'
export {SEEDED_REPOSITORIES, SEEDED_TAG} from './seed.js'
export {createTlsMaterial, type TlsMaterial} from './certs.js'
