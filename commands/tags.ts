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
