import {Args} from '../src/cli/define.js'
import {RegprobeCommand} from '../src/cli/base.js'
import {credentialFlags, listFlags, outputFlags, transportFlags} from '../src/cli/flags.js'
import {readCredentialFlags} from '../src/cli/credential-flags.js'

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
