import {Args} from '../src/cli/define.js'
import {RegprobeCommand} from '../src/cli/base.js'
import {credentialFlags, listFlags, outputFlags, transportFlags} from '../src/cli/flags.js'
import {readCredentialFlags} from '../src/cli/credential-flags.js'

export default class Tags extends RegprobeCommand {
  static override summary = 'Which tags does this repository have, page by page?'
  static override description = `GET /v2/<name>/tags/list with a repository:<name>:pull token, following Link: <…>; rel="next" (relative or
absolute) with one token. First page only unless --all or --max-pages. The tag or digest of REF is ignored.`
  static override examples = [
    {description: 'Tags of an official image', command: '<%= config.bin %> tags alpine --all'},
    {description: 'A private repository, 50 per page', command: 'echo "$PAT" | <%= config.bin %> tags ghcr.io/acme/app -u acme --password-stdin --page-size 50'},
  ]
  static override args = {ref: Args.string({required: true, description: 'REF: REGISTRY/REPOSITORY (a tag or digest is ignored)'})}
  static override flags = {...outputFlags, ...transportFlags, ...credentialFlags, ...listFlags}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Tags)
    const http = await this.makeClient(flags)
    const credentials = await readCredentialFlags(flags)
    const {tagsFlow} = await import('../src/flows/catalog.js')
    const trace = await tagsFlow(http, args.ref, {plainHttp: flags['plain-http'], oauth: flags.oauth, credentials, pageSize: flags['page-size'], all: flags.all, maxPages: flags['max-pages']})
    await this.emit(trace, flags, http)
  }
}
