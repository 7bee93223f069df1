import {Args, Flags} from '../src/cli/define.js'
import {RegprobeCommand} from '../src/cli/base.js'
import {credentialFlags, outputFlags, transportFlags} from '../src/cli/flags.js'
import {readCredentialFlags} from '../src/cli/credential-flags.js'
/** = MAX_LIST_PAGES in src/stages/catalog.ts (the flow clamps to it too); literal so that loading the command stays light. */
const MAX_LIST_PAGES = 100

const listFlags = {
  oauth: Flags.boolean({description: 'Use the OAuth2 POST (grant_type=password) even with a password.'}),
  'page-size': Flags.integer({description: 'Entries per page (the n parameter); the registry\'s default when absent (distribution: 100, at most 1000).', min: 1, helpValue: 'N'}),
  all: Flags.boolean({description: `Follow the Link header to the last page (at most ${MAX_LIST_PAGES} pages).`, exclusive: ['max-pages']}),
  'max-pages': Flags.integer({description: 'Read at most N pages (default 1).', min: 1, max: MAX_LIST_PAGES, helpValue: 'N', exclusive: ['all']}),
}

export default class Catalog extends RegprobeCommand {
  static override summary = 'What repositories can I list, page by page?'
  static override description = `GET /v2/_catalog with a registry:catalog:* token, following Link: <…>; rel="next" (relative or absolute, extra
query parameters kept) with one token, fetched again once if it expires mid-way. First page only unless --all or
--max-pages. A registry that does not offer the catalog (Docker Hub, ghcr.io, GitLab, Harbor, a 404) exits 10,
apart from a real authentication failure (6) or an account that may not list (7).`
  static override examples = [
    {description: 'The first page', command: 'echo "$PASSWORD" | <%= config.bin %> catalog registry.corp:5000 -u alice --password-stdin'},
    {description: 'Everything, 500 at a time', command: '<%= config.bin %> catalog registry.corp:5000 --all --page-size 500'},
  ]
  static override args = {registry: Args.string({required: true, description: 'REGISTRY: host[:port]'})}
  static override flags = {...outputFlags, ...transportFlags, ...credentialFlags, ...listFlags}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Catalog)
    const http = await this.makeClient(flags)
    const credentials = await readCredentialFlags(flags)
    const {catalogFlow} = await import('../src/flows/catalog.js')
    const trace = await catalogFlow(http, args.registry, {plainHttp: flags['plain-http'], oauth: flags.oauth, credentials, pageSize: flags['page-size'], all: flags.all, maxPages: flags['max-pages']})
    await this.emit(trace, flags, http)
  }
}
