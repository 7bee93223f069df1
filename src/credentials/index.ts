/** Credentials the way docker, podman and CI find them, with an explanation of where they came from. */
export {resolveCredentials} from './resolve.js'
export {credentialsStep} from './step.js'
export {saveCredentials, removeCredentials} from './save.js'
export type {SaveOptions, SaveResult, RemoveResult, SaveTarget} from './save.js'
export {HELPER_TIMEOUT_MS} from './helper.js'
export type * from './types.js'
