import type {IncomingMessage, ServerResponse} from 'node:http'
import type {RegistryStore} from './store.js'

/** What every endpoint handler receives. */
export interface RequestContext {
  req: IncomingMessage
  res: ServerResponse
  url: URL
  store: RegistryStore
  /** 'http://host:port' as the client addressed us, for absolute Location headers like distribution's. */
  origin: string
  pageSize: number
}
